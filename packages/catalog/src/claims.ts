import type { Artifact } from "@artifact-store/core";
import type { Database } from "./database";
import { type Row, toDate } from "./row-values";
import { artifactFromRow } from "./rows";

/** Artifacts waiting for a check, in the order they are taken; `where` may use $4 onwards. */
export interface ClaimQueue {
  where: string;
  order: string;
  params: readonly unknown[];
}

/**
 * Claims the first artifact of a queue that no unexpired claim holds, until `claimUntil`, and
 * only when it fits in `maxSize` (null: any size). Skips rows another transaction has locked, so
 * runs on many instances never take the same artifact.
 */
export const claimNextArtifact = async (
  db: Database,
  queue: ClaimQueue,
  now: Date,
  claimUntil: Date,
  maxSize: number | null,
): Promise<Artifact | null> => {
  const [row] = await db.query<Row>(
    `update artifacts set verify_claimed_until = $2::timestamptz
     where id = (
       select id from artifacts
       where ${queue.where}
         and (verify_claimed_until is null or verify_claimed_until <= $1::timestamptz)
         and ($3::bigint is null or size <= $3::bigint)
       order by ${queue.order}
       limit 1
       for update skip locked)
     returning *`,
    [now.toISOString(), claimUntil.toISOString(), maxSize, ...queue.params],
  );
  return row ? artifactFromRow(row) : null;
};

/** The first retry after a failed check; each failure in a row doubles it, up to the cap. */
export const CHECK_RETRY_FIRST_SECONDS = 10;
export const CHECK_RETRY_MAX_SECONDS = 15 * 60;

/**
 * A check that failed without a verdict (storage away, a read cut off) keeps its artifact
 * claimed only for a backoff that grows with the failures in a row (10 s, 20 s, 40 s, ... 15 min),
 * so the next scheduled run retries it within a minute rather than when a full claim expires.
 * Returns the time until which the artifact is held.
 */
export const releaseClaimAfterFailure = async (db: Database, id: string, now: Date): Promise<Date | null> => {
  const [row] = await db.query<Row>(
    `update artifacts set verify_failures = verify_failures + 1,
       verify_claimed_until = $2::timestamptz
         + make_interval(secs => least($3::int * power(2, least(verify_failures, 20)), $4::int))
     where id = $1 returning verify_claimed_until`,
    [id, now.toISOString(), CHECK_RETRY_FIRST_SECONDS, CHECK_RETRY_MAX_SECONDS],
  );
  return row ? toDate(row.verify_claimed_until) : null;
};
