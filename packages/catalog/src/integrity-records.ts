import type {
  Artifact,
  ArtifactState,
  IntegrityRun,
  IntegrityRunKind,
  UploadSession,
} from "@artifact-store/core";
import { claimNextArtifact } from "./claims";
import type { Database } from "./database";
import { type Row, toDate, toJson, toNullableDate } from "./row-values";
import { uploadFromRow } from "./rows";

const runFromRow = (row: Row): IntegrityRun => ({
  id: String(row.id),
  kind: row.kind as IntegrityRunKind,
  startedAt: toDate(row.started_at),
  finishedAt: toNullableDate(row.finished_at),
  summary: toJson(row.summary),
  findings: toJson<Record<string, unknown>[]>(row.findings),
});

export interface KeyClaim {
  artifactId: string;
  state: ArtifactState;
  openUpload: UploadSession | null;
}

/** What the scrubber and the reconciler read from the catalogue, and the reports they leave. */
export class IntegrityRecords {
  constructor(private readonly db: Database) {}

  /**
   * Claims the verified artifact least recently verified before `staleBefore` that no other run
   * holds, until `claimUntil`; later ones of a run only when they fit its remaining budget. A run
   * cut off part-way leaves the rest least recently verified, so the next run resumes there.
   */
  claimStale(
    staleBefore: Date,
    now: Date,
    claimUntil: Date,
    maxSize: number | null,
  ): Promise<Artifact | null> {
    // The queue is the partial index artifacts_scrub_order.
    const queue = {
      where: "state = 'verified' and verified_at < $4::timestamptz",
      order: "verified_at, id",
      params: [staleBefore.toISOString()],
    };
    return claimNextArtifact(this.db, queue, now, claimUntil, maxSize);
  }

  /** Upload sessions still open past their expiry, oldest first. */
  async expiredUploads(now: Date, limit: number): Promise<UploadSession[]> {
    const rows = await this.db.query<Row>(
      `select * from upload_sessions where state = 'open' and expires_at <= $1::timestamptz
       order by expires_at limit $2`,
      [now.toISOString(), limit],
    );
    return rows.map(uploadFromRow);
  }

  /**
   * Artifacts whose bytes should be in storage, with keys in (after, upTo] (upTo null: to the
   * end), in byte order as S3 lists keys (collation "C"): matched against one page of a listing.
   */
  async storedKeysBetween(
    after: string | null,
    upTo: string | null,
  ): Promise<{ id: string; objectKey: string }[]> {
    const rows = await this.db.query<Row>(
      `select id, object_key from artifacts
       where state in ('uploaded', 'verified', 'corrupt')
         and ($1::text is null or object_key > $1::text collate "C")
         and ($2::text is null or object_key <= $2::text collate "C")
       order by object_key collate "C"`,
      [after, upTo],
    );
    return rows.map((row) => ({ id: String(row.id), objectKey: String(row.object_key) }));
  }

  /**
   * What the catalogue says of each of these object keys: the artifact that claims it, its state,
   * and, while it is pending, its open upload session (null once that closed). Keys no artifact
   * claims are absent.
   */
  async keyClaims(keys: readonly string[]): Promise<Map<string, KeyClaim>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.query<Row>(
      `select a.object_key as claimed_key, a.id as claimed_by, a.state as claimed_state, u.*
         from artifacts a
         left join upload_sessions u on u.artifact_id = a.id and u.state = 'open' and a.state = 'pending'
        where a.object_key = any($1::text[])`,
      [keys],
    );
    return new Map(
      rows.map((row) => [
        String(row.claimed_key),
        {
          artifactId: String(row.claimed_by),
          state: row.claimed_state as ArtifactState,
          openUpload: row.id ? uploadFromRow(row) : null,
        },
      ]),
    );
  }

  async startRun(id: string, kind: IntegrityRunKind, at: Date): Promise<void> {
    await this.db.query(
      "insert into integrity_runs (id, kind, started_at) values ($1, $2, $3::timestamptz)",
      [id, kind, at.toISOString()],
    );
  }

  async finishRun(
    id: string,
    at: Date,
    summary: Record<string, unknown>,
    findings: readonly Record<string, unknown>[],
  ): Promise<IntegrityRun> {
    const [row] = await this.db.query<Row>(
      `update integrity_runs set finished_at = $2::timestamptz, summary = $3::text::jsonb,
         findings = $4::text::jsonb
       where id = $1 returning *`,
      [id, at.toISOString(), JSON.stringify(summary), JSON.stringify(findings)],
    );
    if (!row) throw new Error(`integrity run ${id} vanished`);
    return runFromRow(row);
  }

  /** The latest runs, newest first; of one kind when given. */
  async recentRuns(limit: number, kind?: IntegrityRunKind): Promise<IntegrityRun[]> {
    const rows = await this.db.query<Row>(
      `select * from integrity_runs where ($1::text is null or kind = $1::text)
       order by started_at desc limit $2`,
      [kind ?? null, limit],
    );
    return rows.map(runFromRow);
  }
}
