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

const IsoTime = v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 time such as 2026-12-31T23:59:59Z"));
const UserId = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e]{1,256}$/, "must be a user id (1-256 visible ASCII characters)"),
);

export const UpdateArtifactBody = v.strictObject({ visibility: Visibility });

export const GrantParams = v.strictObject({ artifactId: Id, grantee: UserId });
export const PutGrantBody = v.optional(v.strictObject({ expiresAt: v.optional(v.nullable(IsoTime)) }));
export const GrantView = v.object({
  artifactId: Id,
  grantee: v.string(),
  grantedBy: v.string(),
  createdAt: v.string(),
  expiresAt: v.nullable(v.string()),
});
export type GrantView = v.InferOutput<typeof GrantView>;
export const GrantList = v.object({ grants: v.array(GrantView) });

export const Scope = v.picklist(["read", "upload", "write", "admin"]);
export const CreateApiKeyBody = v.strictObject({
  subject: UserId,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  scopes: v.pipe(v.array(Scope), v.minLength(1)),
  expiresAt: v.optional(IsoTime),
});
export const ApiKeyView = v.object({
  id: v.string(),
  subject: v.string(),
  name: v.string(),
  scopes: v.array(v.string()),
  createdBy: v.string(),
  createdAt: v.string(),
  expiresAt: v.nullable(v.string()),
  revokedAt: v.nullable(v.string()),
  lastUsedAt: v.nullable(v.string()),
});
export type ApiKeyView = v.InferOutput<typeof ApiKeyView>;
export const CreatedApiKey = v.object({ ...ApiKeyView.entries, key: v.string() });
export const ApiKeyList = v.object({ apiKeys: v.array(ApiKeyView) });
export const ApiKeyParams = v.strictObject({
  keyId: v.pipe(v.string(), v.regex(/^[0-9a-f]{12}$/, "must be a key id")),
});

export const AuditQuery = v.strictObject({
  actor: v.optional(v.pipe(v.string(), v.maxLength(300))),
  artifactId: v.optional(Id),
  action: v.optional(v.pipe(v.string(), v.maxLength(100))),
  outcome: v.optional(v.picklist(["allowed", "denied", "failed"])),
  from: v.optional(IsoTime),
  to: v.optional(IsoTime),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(100))),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000))),
});
export const AuditEventView = v.object({
  seq: v.number(),
  at: v.string(),
  actor: v.string(),
  action: v.string(),
  artifactId: v.nullable(v.string()),
  uploadId: v.nullable(v.string()),
  target: v.nullable(v.string()),
  outcome: v.string(),
  status: v.number(),
  reason: v.nullable(v.string()),
  requestId: v.string(),
  sourceIp: v.nullable(v.string()),
  userAgent: v.nullable(v.string()),
  prevHash: v.string(),
  hash: v.string(),
});
export const AuditPage = v.object({ events: v.array(AuditEventView), nextCursor: v.nullable(v.string()) });
export const AuditVerifyReport = v.object({
  ok: v.boolean(),
  checked: v.number(),
  lastSeq: v.number(),
  firstBreak: v.optional(v.object({ seq: v.number(), reason: v.string() })),
});
export const AuditExportResult = v.object({
  exported: v.array(v.object({ fromSeq: v.number(), toSeq: v.number(), key: v.string() })),
});

export const ErrorBody = v.object({
  error: v.object({
    code: v.string(),
    message: v.string(),
    requestId: v.string(),
    details: v.optional(v.record(v.string(), v.unknown())),
  }),
});
export type ErrorBody = v.InferOutput<typeof ErrorBody>;
