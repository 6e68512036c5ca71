import { ID_PATTERN } from "@artifact-store/core";
import * as v from "valibot";

// The sidecar is a stored file format, not an API answer: its shapes live here, versioned, so a
// change of the API's views never changes what the bucket holds. A new shape gets a new
// version, and the reader keeps every version a bucket (or a backup) may still hold.

/** The version sidecarOf writes. */
export const SIDECAR_SCHEMA_VERSION = 4;

const ArtifactId = v.pipe(v.string(), v.regex(ID_PATTERN));
const Time = v.pipe(v.string(), v.isoTimestamp());
const states = ["pending", "uploaded", "verified", "corrupt", "deleted"] as const;

const envelope = {
  objectKey: v.string(),
  etag: v.nullable(v.string()),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  deletedAt: v.optional(Time),
  contentSha256: v.string(),
};

const IntegrityV3 = v.object({
  checkedAt: Time,
  verifiedAt: v.nullable(Time),
  reason: v.nullable(v.string()),
  details: v.record(v.string(), v.unknown()),
  sniffedType: v.nullable(v.string()),
  contentTypeMismatch: v.boolean(),
});

/** Version 3: the artifact's record as the domain holds it, every time in ISO 8601. */
export const SidecarRecordV3 = v.object({
  id: ArtifactId,
  ownerId: v.string(),
  filename: v.string(),
  contentType: v.string(),
  size: v.number(),
  sha256: v.nullable(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  tags: v.array(v.string()),
  provenance: v.nullable(
    v.object({
      sourceUrl: v.nullable(v.string()),
      finalUrl: v.nullable(v.string()),
      httpStatus: v.nullable(v.number()),
      fetchedAt: v.nullable(Time),
      jobId: v.nullable(v.string()),
      runId: v.nullable(v.string()),
      userAgent: v.nullable(v.string()),
      headers: v.record(v.string(), v.string()),
    }),
  ),
  visibility: v.picklist(["private", "public"]),
  state: v.picklist(states),
  version: v.number(),
  createdAt: Time,
  updatedAt: Time,
  uploadedAt: v.nullable(Time),
  /** Null until the bytes were first checked. */
  integrity: v.nullable(IntegrityV3),
  expiresAt: v.nullable(Time),
  legalHold: v.nullable(v.object({ setBy: v.string(), setAt: Time, reason: v.nullable(v.string()) })),
});
export type SidecarRecordV3 = v.InferOutput<typeof SidecarRecordV3>;

export const SidecarV3 = v.object({ schemaVersion: v.literal(3), ...envelope, artifact: SidecarRecordV3 });
export type SidecarV3 = v.InferOutput<typeof SidecarV3>;

/**
 * Version 4: version 3 with who stated the SHA-256 in integrity (`sha256Source`: the uploader, or
 * the server alone for an upload without part checksums that declared none). Version 3 sidecars
 * all compared with the uploader's.
 */
export const SidecarRecordV4 = v.object({
  ...SidecarRecordV3.entries,
  integrity: v.nullable(
    v.object({ ...IntegrityV3.entries, sha256Source: v.picklist(["uploader", "server"]) }),
  ),
});
export type SidecarRecordV4 = v.InferOutput<typeof SidecarRecordV4>;

export const SidecarV4 = v.object({ schemaVersion: v.literal(4), ...envelope, artifact: SidecarRecordV4 });
export type SidecarV4 = v.InferOutput<typeof SidecarV4>;

/**
 * Version 2: the API's ArtifactView as it was when sidecars embedded it (integrity as the view
 * shows it; no expiry or legal hold in those written before artifact lifecycle existed). Frozen.
 */
const ArtifactViewV2 = v.object({
  id: ArtifactId,
  ownerId: v.string(),
  filename: v.string(),
  contentType: v.string(),
  size: v.number(),
  sha256: v.nullable(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  tags: v.array(v.string()),
  provenance: v.nullable(
    v.object({
      sourceUrl: v.nullable(v.string()),
      finalUrl: v.nullable(v.string()),
      httpStatus: v.nullable(v.number()),
      fetchedAt: v.nullable(v.string()),
      jobId: v.nullable(v.string()),
      runId: v.nullable(v.string()),
      userAgent: v.nullable(v.string()),
      headers: v.record(v.string(), v.string()),
    }),
  ),
  visibility: v.picklist(["private", "public"]),
  state: v.picklist(states),
  version: v.number(),
  createdAt: v.string(),
  updatedAt: v.string(),
  uploadedAt: v.nullable(v.string()),
  integrity: v.optional(
    v.object({
      state: v.picklist(["unverified", "verified", "corrupt"]),
      reason: v.nullable(v.string()),
      details: v.record(v.string(), v.unknown()),
      checkedAt: v.nullable(v.string()),
      verifiedAt: v.nullable(v.string()),
      sniffedType: v.nullable(v.string()),
      contentTypeMismatch: v.boolean(),
    }),
  ),
  expiresAt: v.optional(v.nullable(v.string())),
  legalHold: v.optional(
    v.nullable(v.object({ setBy: v.string(), setAt: v.string(), reason: v.nullable(v.string()) })),
  ),
});

export const SidecarV2 = v.object({ schemaVersion: v.literal(2), ...envelope, artifact: ArtifactViewV2 });
export type SidecarV2 = v.InferOutput<typeof SidecarV2>;

/** Every version a reader may meet. */
export const AnySidecar = v.variant("schemaVersion", [SidecarV4, SidecarV3, SidecarV2]);
export type StoredSidecar = v.InferOutput<typeof AnySidecar>;
