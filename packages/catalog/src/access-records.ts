import type { ApiKeyRecord, Grant } from "@artifact-store/core";
import type { Database } from "./database";
import { type Row, toDate, toIsoOrNull, toNullableDate } from "./row-values";

const apiKeyFromRow = (row: Row): ApiKeyRecord => ({
  id: String(row.id),
  subject: String(row.subject),
  name: String(row.name),
  scopes: row.scopes as string[],
  secretHash: String(row.secret_hash),
  createdBy: String(row.created_by),
  createdAt: toDate(row.created_at),
  expiresAt: toNullableDate(row.expires_at),
  revokedAt: toNullableDate(row.revoked_at),
  lastUsedAt: toNullableDate(row.last_used_at),
});

export const grantFromRow = (row: Row): Grant => ({
  artifactId: String(row.artifact_id),
  grantee: String(row.grantee),
  grantedBy: String(row.granted_by),
  createdAt: toDate(row.created_at),
  expiresAt: toNullableDate(row.expires_at),
});

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
        record.createdAt.toISOString(),
        toIsoOrNull(record.expiresAt),
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
      [id, at.toISOString()],
    );
    return rows.length > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.query("update api_keys set last_used_at = $2::timestamptz where id = $1", [
      id,
      at.toISOString(),
    ]);
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
      [
        grant.artifactId,
        grant.grantee,
        grant.grantedBy,
        grant.createdAt.toISOString(),
        toIsoOrNull(grant.expiresAt),
      ],
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

/** What one request met: admitted, or refused with the seconds until one would be. */
export interface RateLimitDecision {
  admitted: boolean;
  retryAfterSeconds: number;
}

/**
 * Sliding-window request counters kept in the catalogue, so the limit holds across every function
 * instance, not per process. A fixed window let twice the limit through around its boundary (the
 * limit just before it, the limit again just after); here a request is admitted while the hits
 * admitted in the current window plus those of the previous one, weighted by how much of it the
 * last `windowSeconds` still cover, stay within the limit (the estimate Cloudflare and nginx
 * use). Only admitted requests count, so a caller that keeps knocking gets through at the limit's
 * rate instead of being locked out. One statement per request, rows per principal and window.
 */
export class RateLimitWindows {
  constructor(private readonly db: Database) {}

  async hit(
    principal: string,
    limit: { hits: number; windowSeconds: number },
    now: Date,
    /** What this request counts for: a batch counts each of its items. */
    weight = 1,
  ): Promise<RateLimitDecision> {
    const windowMs = limit.windowSeconds * 1000;
    const start = Math.floor(now.getTime() / windowMs) * windowMs;
    const elapsedMs = now.getTime() - start;
    const previousWeight = (windowMs - elapsedMs) / windowMs;
    // The two reads see the rows as they were before the statement; the conditional upsert sees
    // the current window's latest count (ON CONFLICT re-checks its WHERE on the locked row), so
    // concurrent requests never admit more than the limit between them.
    const [row] = await this.db.query<Row>(
      `with previous as (
         select coalesce(sum(hits), 0)::integer as hits from rate_limit_windows
          where principal = $1 and window_start = $3::timestamptz
       ), current_window as (
         select coalesce(sum(hits), 0)::integer as hits from rate_limit_windows
          where principal = $1 and window_start = $2::timestamptz
       ), admitted as (
         insert into rate_limit_windows (principal, window_start, hits)
         select $1, $2::timestamptz, $6::integer from previous where previous.hits * $4::float8 + $6::integer <= $5::integer
         on conflict (principal, window_start) do update set hits = rate_limit_windows.hits + $6::integer
           where (select hits from previous) * $4::float8 + rate_limit_windows.hits + $6::integer <= $5::integer
         returning hits
       )
       select (select hits from previous) as previous, (select hits from current_window) as current,
              (select hits from admitted) as admitted`,
      [
        principal,
        new Date(start).toISOString(),
        new Date(start - windowMs).toISOString(),
        previousWeight,
        limit.hits,
        weight,
      ],
    );
    // Windows before the previous one are dead weight; sweeping now and then keeps the table small
    // without a cron.
    if (Math.random() < 0.01) {
      await this.db.query("delete from rate_limit_windows where window_start < $1::timestamptz", [
        new Date(start - windowMs).toISOString(),
      ]);
    }
    if (row?.admitted !== null && row?.admitted !== undefined)
      return { admitted: true, retryAfterSeconds: 0 };
    const waitMs = waitUntilAdmitted({
      previous: Number(row?.previous ?? 0),
      current: Number(row?.current ?? 0),
      limit: limit.hits,
      elapsedMs,
      windowMs,
    });
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}

/**
 * How long until the weighted count leaves room for one more hit, if nothing else is admitted
 * meanwhile: later in this window, as the previous window's weight fades, or else in the next
 * one, where this window's hits are the previous ones.
 */
const waitUntilAdmitted = (w: {
  previous: number;
  current: number;
  limit: number;
  elapsedMs: number;
  windowMs: number;
}): number => {
  const room = w.limit - 1 - w.current;
  if (room >= 0) {
    // previous * (windowMs - t) / windowMs + current + 1 <= limit, solved for the time t. (With no
    // previous hits there was room already: a concurrent request took it.)
    return w.previous > 0 ? Math.max(0, w.windowMs - (w.windowMs * room) / w.previous - w.elapsedMs) : 0;
  }
  const nextRoom = w.limit - 1;
  const intoNext = w.current > 0 ? Math.max(0, w.windowMs - (w.windowMs * nextRoom) / w.current) : 0;
  return w.windowMs - w.elapsedMs + intoNext;
};
