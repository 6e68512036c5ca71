import * as v from "valibot";
import { CrawlId, HttpUrl, Id, IsoTime, MetadataObject, Visibility } from "../common/schemas";

export const ArtifactParams = v.strictObject({ artifactId: Id });

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
  /**
   * Who stated the SHA-256: the uploader (the stored bytes matched it), or the server alone (an
   * upload with partChecksums "none" that declared none: it proves the bytes unchanged since, not
   * that they are what the uploader sent). Null until checked.
   */
  sha256Source: v.nullable(v.picklist(["uploader", "server"])),
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

export const DownloadQuery = v.strictObject({
  redirect: v.optional(v.picklist(["true", "false"])),
});

export const DownloadLink = v.object({ url: v.string(), expiresAt: v.string() });
export type DownloadLink = v.InferOutput<typeof DownloadLink>;

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
