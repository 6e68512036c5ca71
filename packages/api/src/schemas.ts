import { CONTENT_TYPE, ID_PATTERN, MD5_BASE64, SHA256_BASE64, SHA256_HEX } from "@artifact-store/core";
import * as v from "valibot";

export const Id = v.pipe(v.string(), v.regex(ID_PATTERN, "must be an id issued by this service"));

export const UploadParams = v.strictObject({ uploadId: Id });
export const ArtifactParams = v.strictObject({ artifactId: Id });

export const Visibility = v.picklist(["private", "public"]);

// What PostgreSQL's timestamptz and toISOString both write as YYYY-MM-DD: year 0000, or a 9999 an
// offset pushes into 10000, would be a database error instead of a 400.
const EARLIEST_TIME = Date.parse("0001-01-01T00:00:00Z");
const LATEST_TIME = Date.parse("9999-12-31T23:59:59.999Z");

const IsoTime = v.pipe(
  v.string(),
  v.isoTimestamp("must be an ISO 8601 time such as 2026-12-31T23:59:59Z"),
  v.check((value) => {
    const at = Date.parse(value);
    return at >= EARLIEST_TIME && at <= LATEST_TIME;
  }, "must be a time in the years 0001 to 9999 (UTC)"),
);

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

export const PartNumber = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000));

/** Base64 of a 16-byte MD5 digest, as the Content-MD5 header carries it. */
const Md5Base64 = v.pipe(v.string(), v.regex(MD5_BASE64, "must be the base64 of a 16-byte MD5 digest"));
const Sha256Base64 = v.pipe(
  v.string(),
  v.regex(SHA256_BASE64, "must be the base64 of a 32-byte SHA-256 digest"),
);

/** One part's checksums, computed by the uploader from the bytes it will send. */
export const PartChecksumBody = v.strictObject({
  partNumber: PartNumber,
  md5: Md5Base64,
  /** Signed as x-amz-checksum-sha256 where storage verifies it (see `checksums` in the upload). */
  sha256: v.optional(Sha256Base64),
});

const PartChecksumList = v.pipe(
  v.array(PartChecksumBody),
  v.minLength(1),
  v.maxLength(1000),
  v.check(
    (parts) => new Set(parts.map((part) => part.partNumber)).size === parts.length,
    "must name each part once",
  ),
);

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
  /**
   * Content-MD5 (base64) of the whole content: signed into the PUT URL when the upload turns out
   * to be a single PUT, so it needs no second call; unused for multipart uploads.
   */
  md5: v.optional(Md5Base64),
  /** Checksums of the parts to sign URLs for in the answer (when the caller knows the part size). */
  parts: v.optional(PartChecksumList),
  /** When the artifact is to be deleted: in the future, at most 10 years ahead. */
  expiresAt: v.optional(IsoTime),
});
export type CreateUploadInput = v.InferOutput<typeof CreateUploadBody>;

export const CompleteUploadBody = v.optional(v.strictObject({ sha256: v.optional(Sha256) }));

/** `parts` with checksums; `partNumbers` alone only where part checksums are not required. */
export const SignPartsBody = v.pipe(
  v.strictObject({
    parts: v.optional(PartChecksumList),
    partNumbers: v.optional(v.pipe(v.array(PartNumber), v.minLength(1), v.maxLength(1000))),
  }),
  v.check(
    (body) => (body.parts === undefined) !== (body.partNumbers === undefined),
    "must give either parts (with checksums) or partNumbers",
  ),
);
export type SignPartsInput = v.InferOutput<typeof SignPartsBody>;

/**
 * The checksums storage verifies for each part (and single PUT) when they are signed into its
 * URL: always md5 (sent as Content-MD5), sha256 too where storage is configured for it. When
 * `required`, URLs are only signed for parts whose checksums are given.
 */
export const UploadChecksums = v.object({
  algorithms: v.array(v.picklist(["md5", "sha256"])),
  required: v.boolean(),
});
export type UploadChecksums = v.InferOutput<typeof UploadChecksums>;

export const PresignedPart = v.object({
  partNumber: v.number(),
  url: v.string(),
  method: v.literal("PUT"),
  /** Send exactly these with the bytes: content-type, content-md5 ... are signed into the URL. */
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
  checksums: UploadChecksums,
  /** URLs for the first parts, or only for those whose checksums were given when they are required. */
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
  checksums: UploadChecksums,
  expiresAt: v.string(),
  parts: v.array(v.object({ partNumber: v.number(), size: v.number(), etag: v.string() })),
});
export type UploadStatus = v.InferOutput<typeof UploadStatus>;

/**
 * What the last check of the stored bytes found. `state`: unverified (not checked yet), verified,
 * or corrupt (`reason` says why: object_missing, size_mismatch, sha256_mismatch,
 * content_type_mismatch; `details` the expected and actual values).
 */
export const IntegrityView = v.object({
  state: v.picklist(["unverified", "verified", "corrupt"]),
  reason: v.nullable(v.string()),
  details: v.record(v.string(), v.unknown()),
  checkedAt: v.nullable(v.string()),
  verifiedAt: v.nullable(v.string()),
  /** The type the first bytes show, when they show one the sniffer knows. */
  sniffedType: v.nullable(v.string()),
  /** The sniffed type contradicts the declared content type. */
  contentTypeMismatch: v.boolean(),
});
export type IntegrityView = v.InferOutput<typeof IntegrityView>;

/** Who put an artifact under legal hold, when and why. */
export const LegalHoldView = v.object({
  setBy: v.string(),
  setAt: v.string(),
  reason: v.nullable(v.string()),
});
export type LegalHoldView = v.InferOutput<typeof LegalHoldView>;

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
  /** For the owner and admins only. */
  integrity: v.optional(IntegrityView),
  /** When the expiry job deletes it (not while a legal hold is on); null: kept until deleted. */
  expiresAt: v.optional(v.nullable(v.string())),
  /** Null when no hold is on; while one is, no one can delete it (409 legal_hold). Owner and admins only. */
  legalHold: v.optional(v.nullable(LegalHoldView)),
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
/**
 * What the S3 server enforces and honours, probed once per process. Where `contentMd5Enforced` is
 * false a corrupted part is caught only by verification; where `responseOverridesHonoured` is
 * false downloads carry the type and disposition stored at upload (an attachment of a safe type);
 * where `signaturesVerified` is false anyone who reaches the server can use the bucket.
 */
export const StorageCapabilities = v.object({
  contentMd5Enforced: v.boolean(),
  responseOverridesHonoured: v.boolean(),
  signaturesVerified: v.boolean(),
});
export type StorageCapabilities = v.InferOutput<typeof StorageCapabilities>;

export const Health = v.object({
  status: v.picklist(["ok", "degraded"]),
  checks: v.object({
    /** `capabilities` once storage has answered the probe (absent while it is down). */
    storage: v.object({ ...Check.entries, capabilities: v.optional(StorageCapabilities) }),
    catalog: Check,
  }),
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
  /** A time in the future (at most 10 years ahead) sets the expiry; null clears it. */
  expiresAt: v.optional(v.nullable(IsoTime)),
  /** true puts the artifact under legal hold, false releases it: admins only (403 otherwise). */
  legalHold: v.optional(v.boolean()),
  /** Why the hold is set; only with legalHold: true. */
  legalHoldReason: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1000))),
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

/** What one scheduled verification run did. */
export const VerificationRun = v.object({
  verified: v.number(),
  corrupt: v.number(),
  /** Artifacts whose bytes could not be read this time; retried once their claim expires. */
  failed: v.number(),
  bytes: v.number(),
  ms: v.number(),
  failures: v.array(v.object({ artifactId: v.string(), error: v.string() })),
});
export type VerificationRun = v.InferOutput<typeof VerificationRun>;

/** One scrub or reconcile run: what it checked (summary) and what it found (findings, at most 1000). */
export const IntegrityRunView = v.object({
  id: Id,
  kind: v.picklist(["scrub", "reconcile"]),
  startedAt: v.string(),
  finishedAt: v.nullable(v.string()),
  summary: v.record(v.string(), v.unknown()),
  findings: v.array(v.record(v.string(), v.unknown())),
});
export type IntegrityRunView = v.InferOutput<typeof IntegrityRunView>;
export const IntegrityReportQuery = v.strictObject({
  kind: v.optional(v.picklist(["scrub", "reconcile"])),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100))),
});
export const IntegrityReport = v.object({ runs: v.array(IntegrityRunView) });
export type IntegrityReport = v.InferOutput<typeof IntegrityReport>;

/** What one run of the expiry job did: artifacts past their expiry deleted, within its budget. */
export const ExpiryRunView = v.object({
  startedAt: v.string(),
  finishedAt: v.string(),
  deleted: v.number(),
  failed: v.number(),
  /** True when the run stopped at its budget with expired artifacts left; the next run goes on. */
  more: v.boolean(),
  /** The artifacts deleted (at most 1000 listed; deleted counts them all). */
  expired: v.array(v.object({ artifactId: v.string(), ownerId: v.string(), expiresAt: v.string() })),
  failures: v.array(v.object({ artifactId: v.string(), error: v.string() })),
});
export type ExpiryRunView = v.InferOutput<typeof ExpiryRunView>;

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

/** Snapshots are named by when they were taken (UTC) and a random suffix: they sort by time. */
export const SnapshotId = v.pipe(
  v.string(),
  v.regex(/^\d{8}T\d{9}Z-[0-9a-f]{6}$/, "must be a snapshot id such as 20261130T020000000Z-1a2b3c"),
);
export const BackupSnapshotView = v.object({
  id: v.string(),
  takenAt: v.string(),
  finishedAt: v.string(),
  /** Artifact records in its manifest (tombstones too). */
  artifacts: v.number(),
  /** Bytes of the artifacts whose content it holds. */
  bytes: v.number(),
  /** Objects this run copied into the content store; the others were there already. */
  copied: v.number(),
  copiedBytes: v.number(),
});
export type BackupSnapshotView = v.InferOutput<typeof BackupSnapshotView>;
export const BackupReport = v.object({
  snapshot: BackupSnapshotView,
  /** True when this run picked up a run that was cut off. */
  resumed: v.boolean(),
  /** Snapshots retention removed, and content no kept snapshot refers to any more. */
  pruned: v.object({ snapshots: v.array(v.string()), contentObjects: v.number() }),
});
export type BackupReport = v.InferOutput<typeof BackupReport>;
export const BackupList = v.object({ snapshots: v.array(BackupSnapshotView) });
export type BackupList = v.InferOutput<typeof BackupList>;
export const BackupParams = v.strictObject({ snapshotId: SnapshotId });
export const RestoreRequest = v.optional(
  v.strictObject({
    /** List what would change, change nothing. */
    dryRun: v.optional(v.boolean()),
    /** Only this owner's artifacts. */
    owner: v.optional(UserId),
    /** Only artifacts carrying all of these tags (as the snapshot recorded them). */
    tags: v.optional(v.array(v.pipe(v.string(), v.maxLength(128)))),
    ids: v.optional(v.pipe(v.array(Id), v.maxLength(10_000))),
    /** Replace records changed after the snapshot too (by default they are left alone). */
    overwriteNewer: v.optional(v.boolean()),
  }),
);
export type RestoreRequest = v.InferOutput<typeof RestoreRequest>;
export const RestoreChange = v.object({
  id: v.string(),
  ownerId: v.string(),
  filename: v.string(),
  /** create: not in the catalogue; replace: older there; keep_newer: changed after the snapshot, left alone. */
  action: v.picklist(["create", "replace", "keep_newer"]),
});
export const RestoreReport = v.object({
  snapshotId: v.string(),
  dryRun: v.boolean(),
  /** Records of the snapshot the selection matched. */
  selected: v.number(),
  /** Records written to the catalogue. */
  restored: v.number(),
  /** Objects copied back from the content store, and their bytes. */
  copied: v.number(),
  copiedBytes: v.number(),
  /** Restored objects whose SHA-256, read back, is not the recorded one (recorded corrupt). */
  mismatched: v.array(v.string()),
  /** Every selected record and what the restore does (did) with it. */
  changes: v.array(RestoreChange),
});
export type RestoreReport = v.InferOutput<typeof RestoreReport>;

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

export const WebhookEventType = v.picklist([
  "artifact.available",
  "artifact.verified",
  "artifact.corrupt",
  "artifact.deleted",
  "upload.expired",
]);
const WebhookTag = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._:/-]{0,63}$/, "must be a tag"));
export const CreateWebhookBody = v.strictObject({
  /** http(s); refused when its host resolves to a non-public address (unless configured otherwise). */
  url: v.pipe(v.string(), v.maxLength(2048), v.url("must be an absolute http(s) URL")),
  events: v.pipe(v.array(WebhookEventType), v.minLength(1)),
  filters: v.optional(
    v.strictObject({
      /** Tags the artifact must all carry. */
      tags: v.optional(v.pipe(v.array(WebhookTag), v.maxLength(20))),
      /** A media type, or a family such as image/*. */
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
      jobId: v.optional(CrawlId),
    }),
  ),
  /** Whose artifacts: the caller's by default; admins may name another owner, or `*` for everyone's. */
  owner: v.optional(UserId),
  description: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
export const WebhookParams = v.strictObject({ webhookId: Id });
export const WebhookDeliveryParams = v.strictObject({ deliveryId: Id });
export const ListWebhooksQuery = v.strictObject({ createdBy: v.optional(UserId) });
export const WebhookDeliveriesQuery = v.strictObject({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200))),
});
export const WebhookView = v.object({
  id: Id,
  url: v.string(),
  events: v.array(WebhookEventType),
  filters: v.object({
    tags: v.array(v.string()),
    contentType: v.nullable(v.string()),
    jobId: v.nullable(v.string()),
  }),
  /** Whose artifacts it follows; null: everyone's. */
  owner: v.nullable(v.string()),
  createdBy: v.string(),
  description: v.nullable(v.string()),
  createdAt: v.string(),
  state: v.picklist(["active", "paused"]),
  pausedAt: v.nullable(v.string()),
  /** Why delivery stopped; resume with POST /v1/webhooks/{id}/resume. */
  pausedReason: v.nullable(v.string()),
});
export type WebhookView = v.InferOutput<typeof WebhookView>;
export const CreatedWebhook = v.object({ ...WebhookView.entries, secret: v.string() });
export const WebhookList = v.object({ webhooks: v.array(WebhookView) });
export const WebhookAttemptView = v.object({
  attempt: v.number(),
  at: v.string(),
  status: v.nullable(v.number()),
  latencyMs: v.number(),
  responseExcerpt: v.nullable(v.string()),
  error: v.nullable(v.string()),
});
export const WebhookDeliveryView = v.object({
  /** Also the `webhook-id` header of every attempt. */
  id: Id,
  webhookId: Id,
  eventId: Id,
  eventType: WebhookEventType,
  artifactId: v.nullable(v.string()),
  state: v.picklist(["pending", "delivered", "failed"]),
  attempts: v.number(),
  nextAttemptAt: v.nullable(v.string()),
  createdAt: v.string(),
  deliveredAt: v.nullable(v.string()),
  attemptLog: v.array(WebhookAttemptView),
});
export type WebhookDeliveryView = v.InferOutput<typeof WebhookDeliveryView>;
export const WebhookDeliveryList = v.object({ deliveries: v.array(WebhookDeliveryView) });

/** One S3-style event record (S3, Ceph RGW, MinIO): only the fields read; the rest pass. */
const StorageEventRecord = v.looseObject({
  eventName: v.pipe(v.string(), v.maxLength(200)),
  eventTime: v.optional(v.string()),
  s3: v.looseObject({
    bucket: v.looseObject({ name: v.pipe(v.string(), v.maxLength(255)) }),
    object: v.looseObject({
      key: v.pipe(v.string(), v.maxLength(4096)),
      size: v.optional(v.union([v.number(), v.string()])),
      eTag: v.optional(v.string()),
      sequencer: v.optional(v.string()),
      versionId: v.optional(v.nullable(v.string())),
    }),
  }),
});
/** A bucket notification: `{Records}` (S3, Ceph RGW) or `{EventName, Key, Records}` (MinIO). */
export const StorageNotificationBody = v.looseObject({
  EventName: v.optional(v.string()),
  Key: v.optional(v.string()),
  Records: v.optional(v.pipe(v.array(StorageEventRecord), v.maxLength(1000))),
});
export type StorageNotificationBody = v.InferOutput<typeof StorageNotificationBody>;

/** What one notification did to the catalogue. */
export const StorageEventsRun = v.object({
  /** Event records the notification carried. */
  records: v.number(),
  /** Single-PUT uploads completed because their object arrived. */
  completed: v.number(),
  /** Artifacts whose object was overwritten or removed behind the catalogue's back, verified again. */
  reverified: v.number(),
  /** Records already processed (redeliveries). */
  duplicates: v.number(),
  /** Other buckets, keys outside artifacts/, unknown keys, events that need nothing. */
  ignored: v.number(),
});
export type StorageEventsRun = v.InferOutput<typeof StorageEventsRun>;
