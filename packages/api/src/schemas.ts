import { CONTENT_TYPE, ID_PATTERN, SHA256_HEX } from "@artifact-store/core";
import * as v from "valibot";

export const Id = v.pipe(v.string(), v.regex(ID_PATTERN, "must be an id issued by this service"));

export const UploadParams = v.strictObject({ uploadId: Id });
export const ArtifactParams = v.strictObject({ artifactId: Id });

export const Visibility = v.picklist(["private", "public"]);

const IsoTime = v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 time such as 2026-12-31T23:59:59Z"));

const HttpUrl = v.pipe(v.string(), v.maxLength(4096), v.url("must be an absolute http(s) URL"));
const CrawlId = v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,200}$/, "must be 1-200 visible ASCII characters"));

/** What the crawler knew when it fetched the artifact: first-class, indexed, searchable. */
export const ProvenanceBody = v.strictObject({
  sourceUrl: v.optional(HttpUrl),
  finalUrl: v.optional(HttpUrl),
  httpStatus: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
  fetchedAt: v.optional(IsoTime),
  jobId: v.optional(CrawlId),
  runId: v.optional(CrawlId),
  userAgent: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  /** Selected response headers (at most 50), names case-insensitive. */
  headers: v.optional(v.record(v.pipe(v.string(), v.maxLength(128)), v.pipe(v.string(), v.maxLength(4096)))),
});

export const ProvenanceView = v.object({
  sourceUrl: v.nullable(v.string()),
  finalUrl: v.nullable(v.string()),
  httpStatus: v.nullable(v.number()),
  fetchedAt: v.nullable(v.string()),
  jobId: v.nullable(v.string()),
  runId: v.nullable(v.string()),
  userAgent: v.nullable(v.string()),
  headers: v.record(v.string(), v.string()),
});
export type ProvenanceView = v.InferOutput<typeof ProvenanceView>;

/** A JSON object; arrays are refused rather than turned into {"0": ...}. */
const MetadataObject = v.pipe(
  v.custom<Record<string, unknown>>(
    (input) => typeof input === "object" && input !== null && !Array.isArray(input),
    "must be a JSON object",
  ),
  v.record(v.string(), v.unknown()),
);

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
  metadata: v.optional(MetadataObject),
  tags: v.optional(v.array(v.pipe(v.string(), v.maxLength(128)))),
  visibility: v.optional(Visibility),
  provenance: v.optional(ProvenanceBody),
  /**
   * With a declared sha256, an artifact of the caller's with the same SHA-256 and size that is
   * uploaded or verified is answered instead of opening an upload; false always opens a new one.
   */
  dedupe: v.optional(v.boolean()),
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
  deduplicated: v.literal(false),
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
  provenance: v.nullable(ProvenanceView),
  visibility: Visibility,
  state: v.picklist(["pending", "uploaded", "verified", "corrupt", "deleted"]),
  /** 1 at creation, +1 on each change of metadata, tags or visibility; GET sends it as ETag "<version>". */
  version: v.number(),
  createdAt: v.string(),
  updatedAt: v.string(),
  uploadedAt: v.nullable(v.string()),
});
export type ArtifactView = v.InferOutput<typeof ArtifactView>;

/** The answer to an upload whose content the caller already holds: nothing to send. */
export const UploadDeduplicated = v.object({
  deduplicated: v.literal(true),
  artifactId: Id,
  artifact: ArtifactView,
});
export type UploadDeduplicated = v.InferOutput<typeof UploadDeduplicated>;

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

const UserId = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e]{1,256}$/, "must be a user id (1-256 visible ASCII characters)"),
);

const CommaList = (pattern: RegExp, message: string) =>
  v.pipe(v.string(), v.maxLength(4000), v.regex(pattern, message));
const Count = v.pipe(
  v.string(),
  v.regex(/^\d{1,16}$/, "must be a whole number"),
  v.toNumber(),
  v.safeInteger(),
);

/** GET /v1/artifacts: every filter is optional and they combine with AND. */
export const SearchQuery = v.strictObject({
  /** Free text over filename, source URL and metadata.title (PostgreSQL full-text, websearch syntax). */
  q: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(500))),
  /** Comma-separated tags the artifact must all carry. */
  tags: v.optional(CommaList(/^[^,]+(,[^,]+)*$/, "must be tags separated by commas")),
  /** Comma-separated tags of which the artifact must carry at least one. */
  tagsAny: v.optional(CommaList(/^[^,]+(,[^,]+)*$/, "must be tags separated by commas")),
  /** Comma-separated tags the artifact must carry none of. */
  tagsNone: v.optional(CommaList(/^[^,]+(,[^,]+)*$/, "must be tags separated by commas")),
  /** A media type (parameters ignored), or a family such as image/*. */
  contentType: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(255),
      v.regex(
        /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/i,
        "must be a media type such as text/html, or a family such as image/*",
      ),
    ),
  ),
  /** Admins: any owner. Others may only name themselves. */
  owner: v.optional(UserId),
  visibility: v.optional(Visibility),
  /**
   * Comma-separated states; default uploaded,verified. pending and deleted only ever match the
   * caller's own artifacts (every artifact for admins).
   */
  state: v.optional(
    CommaList(
      /^(pending|uploaded|verified|corrupt|deleted)(,(pending|uploaded|verified|corrupt|deleted))*$/,
      "must be states (pending, uploaded, verified, corrupt, deleted) separated by commas",
    ),
  ),
  minSize: v.optional(Count),
  maxSize: v.optional(Count),
  createdFrom: v.optional(IsoTime),
  createdTo: v.optional(IsoTime),
  fetchedFrom: v.optional(IsoTime),
  fetchedTo: v.optional(IsoTime),
  sha256: v.optional(Sha256),
  sourceUrl: v.optional(HttpUrl),
  sourceUrlPrefix: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
  sourceHost: v.optional(
    v.pipe(v.string(), v.maxLength(253), v.regex(/^[a-z0-9.\-[\]:]+$/i, "must be a host name")),
  ),
  jobId: v.optional(CrawlId),
  runId: v.optional(CrawlId),
  httpStatus: v.optional(
    v.pipe(v.string(), v.regex(/^[1-5]\d\d$/, "must be an HTTP status"), v.toNumber(), v.integer()),
  ),
  /** A JSON object the artifact's metadata must contain (jsonb @>), e.g. {"lang":"en"}. */
  metadata: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  sort: v.optional(v.picklist(["createdAt", "size", "filename"])),
  /** Default desc for createdAt and size, asc for filename. */
  order: v.optional(v.picklist(["asc", "desc"])),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,4}$/, "must be 1-500"), v.toNumber(), v.minValue(1), v.maxValue(500)),
  ),
  /** nextCursor of the previous page, with the same filters and sort. */
  cursor: v.optional(v.pipe(v.string(), v.maxLength(2000))),
  /** true adds the number of matches (all pages) to the answer. */
  count: v.optional(v.picklist(["true", "false"])),
});
export type SearchQuery = v.InferOutput<typeof SearchQuery>;

export const SearchPage = v.object({
  artifacts: v.array(ArtifactView),
  nextCursor: v.nullable(v.string()),
  total: v.optional(v.number()),
});
export type SearchPage = v.InferOutput<typeof SearchPage>;

const TagList = v.pipe(v.array(v.pipe(v.string(), v.maxLength(128))), v.maxLength(200));

/**
 * Any of visibility, metadata (replaced whole) and tags (replace, then remove, then add). Send
 * If-Match: "<version>" to change only the version you read (412 otherwise); without it, or with
 * If-Match: *, the change applies to whatever version is current.
 */
export const UpdateArtifactBody = v.strictObject({
  visibility: v.optional(Visibility),
  metadata: v.optional(MetadataObject),
  tags: v.optional(
    v.strictObject({ add: v.optional(TagList), remove: v.optional(TagList), replace: v.optional(TagList) }),
  ),
});
export type UpdateArtifactInput = v.InferOutput<typeof UpdateArtifactBody>;

/** One version of an artifact's editable fields; replacedBy/replacedAt are null for the current one. */
export const ArtifactVersionView = v.object({
  version: v.number(),
  metadata: v.record(v.string(), v.unknown()),
  tags: v.array(v.string()),
  visibility: Visibility,
  replacedBy: v.nullable(v.string()),
  replacedAt: v.nullable(v.string()),
});
export type ArtifactVersionView = v.InferOutput<typeof ArtifactVersionView>;
export const ArtifactHistory = v.object({ artifactId: Id, versions: v.array(ArtifactVersionView) });
export type ArtifactHistory = v.InferOutput<typeof ArtifactHistory>;

export const ReindexReport = v.object({
  /** Sidecars read. */
  scanned: v.number(),
  /** Artifact rows written from them. */
  restored: v.number(),
  /** Rows already newer than their sidecar, left alone. */
  unchanged: v.number(),
  /** Sidecars not used, and why (their content hash does not match, unreadable, ...). */
  skipped: v.array(v.object({ key: v.string(), reason: v.string() })),
});
export type ReindexReport = v.InferOutput<typeof ReindexReport>;

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
