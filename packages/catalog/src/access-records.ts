import type { ApiKeyRecord, Grant } from "@artifact-store/core";
import type { Database } from "./database";
import type { Row } from "./rows";

const toDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value));

const apiKeyFromRow = (row: Row): ApiKeyRecord => ({
  id: String(row.id),
  subject: String(row.subject),
  name: String(row.name),
  scopes: row.scopes as string[],
  secretHash: String(row.secret_hash),
  createdBy: String(row.created_by),
  createdAt: toDate(row.created_at) as Date,
  expiresAt: toDate(row.expires_at),
  revokedAt: toDate(row.revoked_at),
  lastUsedAt: toDate(row.last_used_at),
});

export const grantFromRow = (row: Row): Grant => ({
  artifactId: String(row.artifact_id),
  grantee: String(row.grantee),
  grantedBy: String(row.granted_by),
  createdAt: toDate(row.created_at) as Date,
  expiresAt: toDate(row.expires_at),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** API key records (implements the auth package's ApiKeyStore). */
export class ApiKeyRecords {
  constructor(private readonly db: Database) {}

  async insert(record: ApiKeyRecord): Promise<void> {
    await this.db.query(
      `insert into api_keys (id, subject, name, scopes, secret_hash, created_by, created_at, expires_at)
       values ($1, $2, $3, $4::text[], $5, $6, $7::timestamptz, $8::timestamptz)`,
      [
        record.id,
        record.subject,
        record.name,
        record.scopes,
        record.secretHash,
        record.createdBy,
        iso(record.createdAt),
        iso(record.expiresAt),
      ],
    );
  }

  async find(id: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.db.query<Row>("select * from api_keys where id = $1", [id]);
    return row ? apiKeyFromRow(row) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.db.query<Row>("select * from api_keys order by created_at desc")).map(apiKeyFromRow);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      "update api_keys set revoked_at = $2::timestamptz where id = $1 and revoked_at is null returning id",
      [id, iso(at)],
    );
    return rows.length > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.query("update api_keys set last_used_at = $2::timestamptz where id = $1", [id, iso(at)]);
  }
}

/** Read grants on private artifacts. */
export class GrantRecords {
  constructor(private readonly db: Database) {}

  async find(artifactId: string, grantee: string): Promise<Grant | null> {
    const [row] = await this.db.query<Row>(
      "select * from artifact_grants where artifact_id = $1 and grantee = $2",
      [artifactId, grantee],
    );
    return row ? grantFromRow(row) : null;
  }

  async list(artifactId: string): Promise<Grant[]> {
    const rows = await this.db.query<Row>(
      "select * from artifact_grants where artifact_id = $1 order by created_at",
      [artifactId],
    );
    return rows.map(grantFromRow);
  }

  /** Grants, or changes the expiry of an existing grant. */
  async put(grant: Grant): Promise<Grant> {
    const [row] = await this.db.query<Row>(
      `insert into artifact_grants (artifact_id, grantee, granted_by, created_at, expires_at)
       values ($1, $2, $3, $4::timestamptz, $5::timestamptz)
       on conflict (artifact_id, grantee) do update
         set granted_by = excluded.granted_by, created_at = excluded.created_at, expires_at = excluded.expires_at
       returning *`,
      [grant.artifactId, grant.grantee, grant.grantedBy, iso(grant.createdAt), iso(grant.expiresAt)],
    );
    return grantFromRow(row as Row);
  }

  async revoke(artifactId: string, grantee: string): Promise<boolean> {
    const rows = await this.db.query(
      "delete from artifact_grants where artifact_id = $1 and grantee = $2 returning grantee",
      [artifactId, grantee],
    );
    return rows.length > 0;
  }
}

/**
 * Fixed-window request counters kept in the catalogue, so the limit holds across every function
 * instance, not per process.
 */
export class RateLimitWindows {
  constructor(private readonly db: Database) {}

  /** Counts one hit; returns the hits so far in the current window and when it ends. */
  async hit(principal: string, windowSeconds: number, now: Date): Promise<{ hits: number; resetsAt: Date }> {
    const windowMs = windowSeconds * 1000;
    const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const [row] = await this.db.query<Row>(
      `insert into rate_limit_windows (principal, window_start, hits) values ($1, $2::timestamptz, 1)
       on conflict (principal, window_start) do update set hits = rate_limit_windows.hits + 1
       returning hits`,
      [principal, start.toISOString()],
    );
    // Old windows are dead weight; sweeping now and then keeps the table small without a cron.
    if (Math.random() < 0.01) {
      await this.db.query("delete from rate_limit_windows where window_start < $1::timestamptz", [
        new Date(start.getTime() - windowMs).toISOString(),
      ]);
    }
    return { hits: Number(row?.hits ?? 1), resetsAt: new Date(start.getTime() + windowMs) };
  }
}
