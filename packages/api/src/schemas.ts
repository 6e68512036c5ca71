import { CONTENT_TYPE, ID_PATTERN, SHA256_HEX } from "@artifact-store/core";
import * as v from "valibot";

export const Id = v.pipe(v.string(), v.regex(ID_PATTERN, "must be an id issued by this service"));

export const UploadParams = v.strictObject({ uploadId: Id });
export const ArtifactParams = v.strictObject({ artifactId: Id });

export const Visibility = v.picklist(["private", "public"]);

const Sha256 = v.pipe(v.string(), v.toLowerCase(), v.regex(SHA256_HEX, "must be 64 hexadecimal digits"));

export const CreateUploadBody = v.strictObject({
  filename: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  contentType: v.pipe(
    v.string(),
    v.maxLength(255),
    v.regex(CONTENT_TYPE, "must be a media type such as text/html"),
  ),
  size: v.pipe(v.number(), v.safeInteger("must be a whole number of bytes"), v.minValue(0)),
  /** Declared here, or at completion when the uploader hashes while it uploads. */
  sha256: v.optional(Sha256),
  metadata: v.optional(v.record(v.string(), v.unknown())),
  tags: v.optional(v.array(v.pipe(v.string(), v.maxLength(128)))),
  visibility: v.optional(Visibility),
});
export type CreateUploadInput = v.InferOutput<typeof CreateUploadBody>;

export const CompleteUploadBody = v.optional(v.strictObject({ sha256: v.optional(Sha256) }));

export const PartNumber = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000));

export const SignPartsBody = v.strictObject({
  partNumbers: v.pipe(v.array(PartNumber), v.minLength(1), v.maxLength(1000)),
});

export const PresignedPart = v.object({
  partNumber: v.number(),
  url: v.string(),
  method: v.literal("PUT"),
  headers: v.record(v.string(), v.string()),
});
export type PresignedPart = v.InferOutput<typeof PresignedPart>;

export const UploadCreated = v.object({
  uploadId: Id,
  artifactId: Id,
  mode: v.picklist(["single", "multipart"]),
  partSize: v.number(),
  partCount: v.number(),
  parts: v.array(PresignedPart),
  expiresAt: v.string(),
});
export type UploadCreated = v.InferOutput<typeof UploadCreated>;

export const SignedParts = v.object({ uploadId: Id, parts: v.array(PresignedPart), expiresAt: v.string() });
export type SignedParts = v.InferOutput<typeof SignedParts>;

export const UploadStatus = v.object({
  uploadId: Id,
  artifactId: Id,
  state: v.picklist(["open", "completed", "aborted", "expired"]),
  mode: v.picklist(["single", "multipart"]),
  size: v.number(),
  partSize: v.number(),
  partCount: v.number(),
  expiresAt: v.string(),
  parts: v.array(v.object({ partNumber: v.number(), size: v.number(), etag: v.string() })),
});
export type UploadStatus = v.InferOutput<typeof UploadStatus>;

export const ArtifactView = v.object({
  id: Id,
  ownerId: v.string(),
  filename: v.string(),
  contentType: v.string(),
  size: v.number(),
  /** Null only while an upload that declares it at completion is pending. */
  sha256: v.nullable(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  tags: v.array(v.string()),
  visibility: Visibility,
  state: v.picklist(["pending", "uploaded", "verified", "corrupt", "deleted"]),
  createdAt: v.string(),
  updatedAt: v.string(),
  uploadedAt: v.nullable(v.string()),
});
export type ArtifactView = v.InferOutput<typeof ArtifactView>;

export const DownloadQuery = v.strictObject({
  redirect: v.optional(v.picklist(["true", "false"])),
});

export const DownloadLink = v.object({ url: v.string(), expiresAt: v.string() });
export type DownloadLink = v.InferOutput<typeof DownloadLink>;

const Check = v.object({
  status: v.picklist(["ok", "down"]),
  latencyMs: v.number(),
  error: v.optional(v.string()),
});
export const Health = v.object({
  status: v.picklist(["ok", "degraded"]),
  checks: v.object({ storage: Check, catalog: Check }),
});
export type Health = v.InferOutput<typeof Health>;

export const ErrorBody = v.object({
  error: v.object({
    code: v.string(),
    message: v.string(),
    requestId: v.string(),
    details: v.optional(v.record(v.string(), v.unknown())),
  }),
});
export type ErrorBody = v.InferOutput<typeof ErrorBody>;
