import type { Artifact, UploadSession } from "./model";
import type { UploadPlan } from "./upload-plan";

/**
 * The checksums storage verifies for each part URL: always md5, sha256 where storage is
 * configured for it; when `required`, URLs are only signed for parts whose checksums are given.
 */
export interface ChecksumPolicy {
  algorithms: ("md5" | "sha256")[];
  required: boolean;
}

/** A presigned URL for one part (or the single PUT), with the headers signed into it. */
export interface PartUrl {
  partNumber: number;
  url: string;
  headers: Record<string, string>;
}

/** Part URLs signed at once, and when they stop working. */
export interface SignedPartUrls {
  parts: PartUrl[];
  expiresAt: Date;
}

/** What opening an upload did: opened one, or found the content already held by the caller. */
export type UploadOpening =
  | ({ deduplicated: false; upload: UploadSession; checksums: ChecksumPolicy } & SignedPartUrls)
  | { deduplicated: true; artifact: Artifact };

/** A part storage already holds for an open upload. */
export interface HeldPart {
  partNumber: number;
  size: number;
  etag: string;
}

/** An upload as it stands: `expired` when still open past its expiry. */
export interface UploadProgress {
  upload: UploadSession;
  expired: boolean;
  checksums: ChecksumPolicy;
  parts: HeldPart[];
}

/**
 * The plan an upload of `size` bytes would get, and the limits any plan keeps to: what an uploader
 * needs to slice its file before it opens the upload.
 */
export interface UploadPlanning extends UploadPlan {
  size: number;
  /** Below this the server chooses one PUT; at or above it, multipart. */
  singleUploadThreshold: number;
  /** The part size the server chooses (grown to fit `maxParts`). */
  preferredPartSize: number;
  /** Every part but the last is at least this. */
  minPartSize: number;
  maxPartSize: number;
  maxParts: number;
  maxObjectSize: number;
  /** The most bytes one PUT may carry. */
  maxSinglePutSize: number;
  checksums: ChecksumPolicy;
}
