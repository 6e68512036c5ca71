import {
  type Artifact,
  type IntegrityVerdict,
  isUnderLegalHold,
  sourceHostOf,
  type UploadSession,
} from "@artifact-store/core";
import { claimNextArtifact, releaseClaimAfterFailure } from "./claims";
import type { Database, Sql } from "./database";
import { type Row, toIsoOrNull } from "./row-values";
import { artifactFromRow, integrityColumn, uploadFromRow } from "./rows";
import { appendArtifactEvent } from "./webhook-outbox";

/**
 * Every column an artifact row is written with (create, reindex, restore) and the cast of its
 * parameter, in the order of artifactParams: the one list both the insert and the overwrite read.
 */
const ARTIFACT_COLUMNS: readonly (readonly [column: string, cast: string])[] = [
  ["id", ""],
  ["owner_id", ""],
  ["object_key", ""],
  ["filename", ""],
  ["content_type", ""],
  ["size", ""],
  ["sha256", ""],
  ["metadata", "::text::jsonb"],
  ["tags", "::text[]"],
  ["visibility", ""],
  ["state", ""],
  ["etag", ""],
  ["version", ""],
  ["created_at", "::timestamptz"],
  ["updated_at", "::timestamptz"],
  ["uploaded_at", "::timestamptz"],
  ["deleted_at", "::timestamptz"],
  ["source_url", ""],
  ["source_host", ""],
  ["final_url", ""],
  ["http_status", ""],
  ["fetched_at", "::timestamptz"],
  ["job_id", ""],
  ["run_id", ""],
  ["user_agent", ""],
  ["response_headers", "::text::jsonb"],
  ["verified_at", "::timestamptz"],
  ["integrity", "::text::jsonb"],
  ["expires_at", "::timestamptz"],
  ["legal_hold", "::boolean"],
  ["legal_hold_by", ""],
  ["legal_hold_at", "::timestamptz"],
  ["legal_hold_reason", ""],
];

/** Every column of an artifact record, as the search reads them (it skips the search vectors). */
export const ARTIFACT_COLUMN_NAMES: readonly string[] = ARTIFACT_COLUMNS.map(([column]) => column);

const ARTIFACT_INSERT = `insert into artifacts (${ARTIFACT_COLUMNS.map(([column]) => column).join(", ")})
  values (${ARTIFACT_COLUMNS.map(([, cast], index) => `$${index + 1}${cast}`).join(", ")})`;

/** On conflict, every column but the id as the incoming record has it. */
const ARTIFACT_OVERWRITE = ARTIFACT_COLUMNS.filter(([column]) => column !== "id")
  .map(([column]) => `${column} = excluded.${column}`)
  .join(", ");

// Metadata and headers go as JSON text cast to jsonb: postgres.js would otherwise store a JSON string.
const artifactParams = (artifact: Artifact, deletedAt: Date | null): unknown[] => {
  const { provenance } = artifact;
  return [
    artifact.id,
    artifact.ownerId,
    artifact.objectKey,
    artifact.filename,
    artifact.contentType,
    artifact.size,
    artifact.sha256,
    JSON.stringify(artifact.metadata),
    artifact.tags,
    artifact.visibility,
    artifact.state,
    artifact.etag,
    artifact.version,
    artifact.createdAt.toISOString(),
    artifact.updatedAt.toISOString(),
    toIsoOrNull(artifact.uploadedAt),
    toIsoOrNull(deletedAt),
    provenance?.sourceUrl ?? null,
    sourceHostOf(provenance),
    provenance?.finalUrl ?? null,
    provenance?.httpStatus ?? null,
    toIsoOrNull(provenance?.fetchedAt),
    provenance?.jobId ?? null,
    provenance?.runId ?? null,
    provenance?.userAgent ?? null,
    JSON.stringify(provenance?.headers ?? {}),
    toIsoOrNull(artifact.integrity?.verifiedAt),
    integrityColumn(artifact.integrity),
    toIsoOrNull(artifact.expiresAt),
    Boolean(artifact.legalHold),
    artifact.legalHold?.setBy ?? null,
    toIsoOrNull(artifact.legalHold?.setAt),
    artifact.legalHold?.reason ?? null,
  ];
};

/** Artifact and upload records. Every state change is a conditional update, so races resolve in SQL. */
export class Catalog {
  constructor(readonly db: Database) {}

  async ping(): Promise<void> {
    await this.db.query("select 1");
  }

  /** A pending artifact and its open upload session, recorded together or not at all. */
  async recordPendingUpload(artifact: Artifact, upload: UploadSession): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(ARTIFACT_INSERT, artifactParams(artifact, null));
      await tx.query(
        `insert into upload_sessions (id, artifact_id, owner_id, object_key, mode, storage_upload_id, part_size,
           part_count, size, state, expires_at, created_at, part_checksums)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12::timestamptz, $13)`,
        [
          upload.id,
          upload.artifactId,
          upload.ownerId,
          upload.objectKey,
          upload.mode,
          upload.storageUploadId,
          upload.partSize,
          upload.partCount,
          upload.size,
          upload.state,
          upload.expiresAt.toISOString(),
          upload.createdAt.toISOString(),
          upload.partChecksums,
        ],
      );
    });
  }

  /** The owner's oldest uploaded-or-verified artifact with this content, for deduplication. */
  async findDuplicate(ownerId: string, sha256: string, size: number): Promise<Artifact | null> {
    const [row] = await this.db.query<Row>(
      `select * from artifacts
       where owner_id = $1 and sha256 = $2 and size = $3 and state in ('uploaded', 'verified')
       order by created_at, id limit 1`,
      [ownerId, sha256, size],
    );
    return row ? artifactFromRow(row) : null;
  }

  async findUpload(id: string): Promise<UploadSession | null> {
    const [row] = await this.db.query<Row>("select * from upload_sessions where id = $1", [id]);
    return row ? uploadFromRow(row) : null;
  }

  async findArtifact(id: string): Promise<Artifact | null> {
    const [row] = await this.db.query<Row>("select * from artifacts where id = $1", [id]);
    return row ? artifactFromRow(row) : null;
  }

  /** Records the ETag the finished object will have, before storage is asked to complete it. */
  async recordCompletingEtag(uploadId: string, etag: string): Promise<void> {
    await this.db.query("update upload_sessions set completing_etag = $2 where id = $1 and state = 'open'", [
      uploadId,
      etag,
    ]);
  }

  /**
   * Closes an open upload and marks its artifact uploaded, in one transaction. With the verdict
   * of a check already made on the stored bytes (a small object read back as it completed), the
   * artifact goes straight to that verdict's state in the same transaction, and both events
   * (available, then verified or corrupt) are queued with it. Returns null when the upload was no
   * longer open (another call got there first). A null SHA-256 (an upload with partChecksums
   * "none" that declared none) is the verifier's to compute.
   */
  async completeUpload(
    uploadId: string,
    etag: string,
    sha256: string | null,
    at: Date,
    verdict?: IntegrityVerdict,
  ): Promise<Artifact | null> {
    return this.db.transaction(async (tx) => {
      const [upload] = await tx.query<Row>(
        `update upload_sessions set state = 'completed', completed_at = $2::timestamptz
         where id = $1 and state = 'open' returning artifact_id`,
        [uploadId, at.toISOString()],
      );
      if (!upload) return null;
      const params = [upload.artifact_id, etag, sha256, at.toISOString()];
      const [artifact] = verdict
        ? await tx.query<Row>(
            `update artifacts set state = $5, etag = $2, sha256 = $3, uploaded_at = $4::timestamptz,
               updated_at = $4::timestamptz, verified_at = $6::timestamptz, integrity = $7::text::jsonb,
               verify_claimed_until = null, verify_failures = 0
             where id = $1 returning *`,
            [
              ...params,
              verdict.state,
              toIsoOrNull(verdict.integrity.verifiedAt),
              integrityColumn(verdict.integrity),
            ],
          )
        : await tx.query<Row>(
            `update artifacts set state = 'uploaded', etag = $2, sha256 = $3, uploaded_at = $4::timestamptz,
               updated_at = $4::timestamptz
             where id = $1 returning *`,
            params,
          );
      if (!artifact) return null;
      const completed = artifactFromRow(artifact);
      // Subscribers hear of it as they would had the check come after: uploaded, then the verdict.
      const uploaded: Artifact = verdict ? { ...completed, state: "uploaded", integrity: null } : completed;
      await appendArtifactEvent(tx, "artifact.available", uploaded, at, { uploadId });
      if (verdict) {
        const type = verdict.state === "verified" ? "artifact.verified" : "artifact.corrupt";
        await appendArtifactEvent(tx, type, completed, verdict.integrity.checkedAt);
      }
      return completed;
    });
  }

  /**
   * Closes an open upload as aborted and tombstones its never-finished artifact. An upload
   * aborted because it `expired` tells webhook subscribers so (`upload.expired`).
   */
  async abortUpload(uploadId: string, at: Date, cause: "aborted" | "expired" = "aborted"): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [upload] = await tx.query<Row>(
        `update upload_sessions set state = 'aborted', completed_at = $2::timestamptz
         where id = $1 and state = 'open' returning artifact_id`,
        [uploadId, at.toISOString()],
      );
      if (!upload) return false;
      const [artifact] = await tx.query<Row>(
        `update artifacts set state = 'deleted', deleted_at = $2::timestamptz, updated_at = $2::timestamptz
         where id = $1 and state = 'pending' returning *`,
        [upload.artifact_id, at.toISOString()],
      );
      if (artifact && cause === "expired") {
        await appendArtifactEvent(tx, "upload.expired", artifactFromRow(artifact), at, { uploadId });
      }
      return true;
    });
  }

  /**
   * Writes an artifact as its sidecar in the bucket describes it (reindex). An existing row is
   * overwritten only by a record at least as new, so a stale sidecar never rolls a change back.
   * Returns whether the row was written.
   */
  async restoreArtifact(artifact: Artifact, deletedAt: Date | null): Promise<boolean> {
    const rows = await this.db.query<Row>(
      `${ARTIFACT_INSERT}
       on conflict (id) do update set ${ARTIFACT_OVERWRITE}
       where artifacts.version <= excluded.version
       returning id`,
      artifactParams(artifact, deletedAt),
    );
    return rows.length > 0;
  }

  /** After a check that failed without a verdict: held for a growing backoff, then retried. */
  releaseClaimAfterFailure(id: string, now: Date): Promise<Date | null> {
    return releaseClaimAfterFailure(this.db, id, now);
  }

  /**
   * Claims the oldest uploaded artifact no other verifier holds, until `claimUntil`: the first of
   * a run whatever its size, later ones only when they fit in what is left of the run's budget.
   * Skips rows another transaction has locked, so verifiers on many instances never collide.
   */
  claimUnverified(now: Date, claimUntil: Date, maxSize: number | null): Promise<Artifact | null> {
    // The queue is the partial index artifacts_unverified.
    const queue = { where: "state = 'uploaded'", order: "uploaded_at, id", params: [] };
    return claimNextArtifact(this.db, queue, now, claimUntil, maxSize);
  }

  /**
   * Claims this one artifact, as claimUnverified would when it came up: null when it is no longer
   * uploaded or another verifier holds it, so a verification handed off at completion and a
   * scheduled run (or a repeated hand-off) never read the same artifact at once.
   */
  claimUnverifiedArtifact(id: string, now: Date, claimUntil: Date): Promise<Artifact | null> {
    const queue = { where: "state = 'uploaded' and id = $4", order: "id", params: [id] };
    return claimNextArtifact(this.db, queue, now, claimUntil, null);
  }

  /**
   * Records a verification's outcome on an artifact still in one of `fromStates`, and releases
   * its claim. `publish` runs with the row locked, before commit (the sidecar), so a concurrent
   * edit cannot write an older state over it; a failure rolls the record back. Null when the
   * artifact left those states meanwhile (deleted).
   */
  recordIntegrity(
    id: string,
    fromStates: readonly Artifact["state"][],
    outcome: IntegrityVerdict,
    publish: (artifact: Artifact) => Promise<void>,
  ): Promise<Artifact | null> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.query<Row>(
        "select state from artifacts where id = $1 and state = any($2::text[]) for update",
        [id, fromStates],
      );
      if (!locked) return null;
      const { integrity } = outcome;
      // A change of state is a change of the record; a repeated verdict only updates the check.
      const [row] = await tx.query<Row>(
        `update artifacts set state = $2, verified_at = $3::timestamptz, integrity = $4::text::jsonb,
           verify_claimed_until = null, verify_failures = 0, sha256 = coalesce(sha256, $6),
           updated_at = case when state = $2 then updated_at else $5::timestamptz end
         where id = $1 returning *`,
        [
          id,
          outcome.state,
          toIsoOrNull(integrity.verifiedAt),
          integrityColumn(integrity),
          integrity.checkedAt.toISOString(),
          outcome.sha256 ?? null,
        ],
      );
      if (!row) return null;
      const artifact = artifactFromRow(row);
      // A repeated verdict (a scrub finding the bytes still good) is no news to subscribers.
      if (locked.state !== outcome.state) {
        const type = outcome.state === "verified" ? "artifact.verified" : "artifact.corrupt";
        await appendArtifactEvent(tx, type, artifact, integrity.checkedAt);
      }
      await publish(artifact);
      return artifact;
    });
  }

  /**
   * Tombstones a live artifact unless a legal hold is on, deciding under the row lock: a hold set
   * before wins, a hold asked for meanwhile waits for the lock and finds the artifact deleted.
   * `publish` (removing the object, rewriting the sidecar) runs before commit, so a failure rolls
   * the tombstone back and a retry finishes the job. The outbox gets `artifact.deleted` in the
   * same transaction.
   */
  deleteArtifact(
    id: string,
    at: Date,
    publish: (deleted: Artifact) => Promise<void>,
  ): Promise<DeleteOutcome> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<Row>(
        "select * from artifacts where id = $1 and state <> 'deleted' for update",
        [id],
      );
      if (!row) return { kind: "missing" };
      return tombstone(tx, artifactFromRow(row), at, publish, {});
    });
  }

  /**
   * Deletes the live artifact longest past its expiry at `now`, if it is not held, as
   * deleteArtifact does (webhook reason "expired"). Rows another run holds are skipped, so runs
   * on many instances never take the same artifact; `exclude` names ids that failed this run.
   * Null when none is left.
   */
  deleteNextExpired(
    now: Date,
    exclude: readonly string[],
    publish: (deleted: Artifact) => Promise<void>,
  ): Promise<Artifact | null> {
    return this.db.transaction(async (tx) => {
      // The first three conditions are the partial index's (artifacts_expiring).
      const [row] = await tx.query<Row>(
        `select * from artifacts
         where expires_at is not null and not legal_hold and state <> 'deleted'
           and state <> 'pending' and expires_at <= $1::timestamptz and not (id = any($2::uuid[]))
         order by expires_at, id
         limit 1
         for update skip locked`,
        [now.toISOString(), exclude],
      );
      if (!row) return null;
      const outcome = await tombstone(tx, artifactFromRow(row), now, publish, { reason: "expired" });
      return outcome.kind === "deleted" ? outcome.artifact : null;
    });
  }
}

export type DeleteOutcome =
  | { kind: "deleted"; artifact: Artifact }
  | { kind: "held"; artifact: Artifact }
  | { kind: "uploading" }
  | { kind: "missing" };

/** The delete itself, on a row the transaction has locked. */
const tombstone = async (
  tx: Sql,
  current: Artifact,
  at: Date,
  publish: (deleted: Artifact) => Promise<void>,
  extra: Record<string, unknown>,
): Promise<DeleteOutcome> => {
  if (isUnderLegalHold(current)) return { kind: "held", artifact: current };
  if (current.state === "pending") return { kind: "uploading" };
  const [row] = await tx.query<Row>(
    `update artifacts set state = 'deleted', deleted_at = $2::timestamptz, updated_at = $2::timestamptz
     where id = $1 returning *`,
    [current.id, at.toISOString()],
  );
  if (!row) return { kind: "missing" };
  const deleted = artifactFromRow(row);
  await appendArtifactEvent(tx, "artifact.deleted", deleted, at, extra);
  await publish(deleted);
  return { kind: "deleted", artifact: deleted };
};
