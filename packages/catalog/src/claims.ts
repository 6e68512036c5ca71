import type { Artifact } from "@artifact-store/core";
import type { Database } from "./database";
import { artifactFromRow, type Row } from "./rows";

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
