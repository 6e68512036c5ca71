import type {
  Artifact,
  PartUrl,
  SignedPartUrls,
  UploadOpening,
  UploadPlanning,
  UploadProgress,
  UploadSession,
} from "@artifact-store/core";
import { ID_PATTERN } from "@artifact-store/core";
import { artifactView } from "../artifacts/views";
import type {
  PresignedPart,
  SignedParts,
  UploadCreated,
  UploadDeduplicated,
  UploadPlanView,
  UploadStatus,
} from "./schemas";

const presignedPartView = (part: PartUrl): PresignedPart => ({
  partNumber: part.partNumber,
  method: "PUT",
  url: part.url,
  headers: part.headers,
});

/** The answer to opening an upload: what to send, where, and until when. */
export const uploadOpeningView = (opening: UploadOpening): UploadCreated | UploadDeduplicated =>
  opening.deduplicated
    ? uploadDeduplicatedView(opening.artifact)
    : {
        deduplicated: false,
        uploadId: opening.upload.id,
        artifactId: opening.upload.artifactId,
        mode: opening.upload.mode,
        partSize: opening.upload.partSize,
        partCount: opening.upload.partCount,
        checksums: opening.checksums,
        parts: opening.parts.map(presignedPartView),
        expiresAt: opening.expiresAt.toISOString(),
      };

/** The whole record of the artifact the caller already holds: the uploader is its owner. */
export const uploadDeduplicatedView = (artifact: Artifact): UploadDeduplicated => ({
  deduplicated: true,
  artifactId: artifact.id,
  artifact: artifactView(artifact),
});

export const signedPartsView = (signed: SignedPartUrls & { upload: UploadSession }): SignedParts => ({
  uploadId: signed.upload.id,
  parts: signed.parts.map(presignedPartView),
  expiresAt: signed.expiresAt.toISOString(),
});

export const uploadStatusView = ({ upload, expired, checksums, parts }: UploadProgress): UploadStatus => ({
  uploadId: upload.id,
  artifactId: upload.artifactId,
  state: expired ? "expired" : upload.state,
  mode: upload.mode,
  size: upload.size,
  partSize: upload.partSize,
  partCount: upload.partCount,
  checksums,
  expiresAt: upload.expiresAt.toISOString(),
  parts,
});

/** The upload id a batch item names, when it is one this service could have issued. */
export const uploadIdOf = (item: unknown): string | null => {
  const id = (item as { uploadId?: unknown } | null)?.uploadId;
  return typeof id === "string" && ID_PATTERN.test(id) ? id : null;
};

export const uploadPlanView = (planning: UploadPlanning): UploadPlanView => ({ ...planning });
