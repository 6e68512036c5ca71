import type { Artifact, Grant } from "@artifact-store/core";
import { grantFromRow } from "./access-records";
import type { Database } from "./database";
import { type Row, toDate, toNullableDate } from "./row-values";
import { artifactFromRow } from "./rows";

/** A backup run's progress: where its manifest got to, so a run cut off resumes there. */
export interface BackupRun {
  snapshotId: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** The last artifact id written to the manifest; null before the first page. */
  cursor: string | null;
  /** Manifest pages written so far. */
  pages: number;
  artifacts: number;
  bytes: number;
  /** Objects copied into the content store (the rest were there already). */
  copied: number;
  copiedBytes: number;
}

export interface BackupProgress {
  cursor: string;
  pages: number;
  artifacts: number;
  bytes: number;
  copied: number;
  copiedBytes: number;
}

/** An artifact's record as a snapshot keeps it, with when it was deleted, if it was. */
export interface ArtifactRecord {
  artifact: Artifact;
  deletedAt: Date | null;
  /** Who else may read it: restored with it, so sharing survives a lost catalogue. */
  grants: Grant[];
}

const runFromRow = (row: Row): BackupRun => ({
  snapshotId: String(row.snapshot_id),
  startedAt: toDate(row.started_at),
  finishedAt: toNullableDate(row.finished_at),
  cursor: (row.cursor as string | null) ?? null,
  pages: Number(row.pages),
  artifacts: Number(row.artifacts),
  bytes: Number(row.bytes),
  copied: Number(row.copied),
  copiedBytes: Number(row.copied_bytes),
});

/** Backup runs and the catalogue pages they read. */
export class BackupRecords {
  constructor(private readonly db: Database) {}

  /**
   * Claims the unfinished run no other process holds (a run cut off resumes), or starts a new one
   * with `snapshotId`. Null when another process holds a running backup.
   */
  async claimRun(snapshotId: string, now: Date, claimUntil: Date): Promise<BackupRun | null> {
    return this.db.transaction(async (tx) => {
      await tx.query("lock table backup_runs in share row exclusive mode");
      const [unfinished] = await tx.query<Row>(
        "select * from backup_runs where finished_at is null order by started_at limit 1",
      );
      if (unfinished) {
        const claimedUntil = toNullableDate(unfinished.claimed_until);
        if (claimedUntil && claimedUntil > now) return null;
        const [row] = await tx.query<Row>(
          "update backup_runs set claimed_until = $2::timestamptz where snapshot_id = $1 returning *",
          [unfinished.snapshot_id, claimUntil.toISOString()],
        );
        return row ? runFromRow(row) : null;
      }
      const [row] = await tx.query<Row>(
        `insert into backup_runs (snapshot_id, started_at, claimed_until)
         values ($1, $2::timestamptz, $3::timestamptz) returning *`,
        [snapshotId, now.toISOString(), claimUntil.toISOString()],
      );
      return row ? runFromRow(row) : null;
    });
  }

  /** Records a manifest page written, and extends the claim. */
  async advance(snapshotId: string, progress: BackupProgress, claimUntil: Date): Promise<void> {
    await this.db.query(
      `update backup_runs set cursor = $2, pages = $3, artifacts = $4, bytes = $5, copied = $6,
         copied_bytes = $7, claimed_until = $8::timestamptz
       where snapshot_id = $1`,
      [
        snapshotId,
        progress.cursor,
        progress.pages,
        progress.artifacts,
        progress.bytes,
        progress.copied,
        progress.copiedBytes,
        claimUntil.toISOString(),
      ],
    );
  }

  async finish(snapshotId: string, at: Date): Promise<void> {
    await this.db.query(
      "update backup_runs set finished_at = $2::timestamptz, claimed_until = null where snapshot_id = $1",
      [snapshotId, at.toISOString()],
    );
  }

  /** Lets a run go before its claim expires (it failed; the next run resumes it). */
  async release(snapshotId: string): Promise<void> {
    await this.db.query("update backup_runs set claimed_until = null where snapshot_id = $1", [snapshotId]);
  }

  async runs(limit: number): Promise<BackupRun[]> {
    const rows = await this.db.query<Row>("select * from backup_runs order by started_at desc limit $1", [
      limit,
    ]);
    return rows.map(runFromRow);
  }

  /** Every artifact record (tombstones too) with an id after `after`, in id order. */
  async artifactsAfter(after: string | null, limit: number): Promise<ArtifactRecord[]> {
    const rows = await this.db.query<Row>(
      `select * from artifacts where ($1::uuid is null or id > $1::uuid) order by id limit $2`,
      [after, limit],
    );
    const grants = await this.db.query<Row>(
      "select * from artifact_grants where artifact_id = any($1::uuid[]) order by created_at",
      [rows.map((row) => String(row.id))],
    );
    const grantsOf = new Map<string, Grant[]>();
    for (const grant of grants.map(grantFromRow)) {
      grantsOf.set(grant.artifactId, [...(grantsOf.get(grant.artifactId) ?? []), grant]);
    }
    return rows.map((row) => ({
      artifact: artifactFromRow(row),
      deletedAt: toNullableDate(row.deleted_at),
      grants: grantsOf.get(String(row.id)) ?? [],
    }));
  }
}
