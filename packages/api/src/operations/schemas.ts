import * as v from "valibot";
import { Id, UserId } from "../common/schemas";

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
