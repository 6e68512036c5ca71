import type { Sql } from "@artifact-store/catalog";
import { GENESIS_HASH, hashEvent } from "./chain";
import { EVENT_COLUMNS, eventFromRow, eventParams, type Row } from "./rows";
import type { RecordedAuditEvent, StoredAuditEvent } from "./types";

// Advisory lock key shared by every process writing this schema; 7031337 is the migration lock.
export const APPEND_LOCK = 7_031_338;

/** Casts of the columns in EVENT_COLUMNS order, so text parameters land in their column types. */
const COLUMN_CASTS = ["::bigint", "::timestamptz", "", "", "::uuid", "::uuid", "", "", "::integer"];
const COLUMN_COUNT = EVENT_COLUMNS.split(",").length;

const valuesRow = (row: number): string => {
  const first = row * COLUMN_COUNT;
  const placeholders = Array.from(
    { length: COLUMN_COUNT },
    (_, column) => `$${first + column + 1}${COLUMN_CASTS[column] ?? ""}`,
  );
  return `(${placeholders.join(", ")})`;
};

const insertEvents = (count: number): string =>
  `insert into audit_events (${EVENT_COLUMNS}) values ${Array.from({ length: count }, (_, row) =>
    valuesRow(row),
  ).join(", ")} returning ${EVENT_COLUMNS}`;

/**
 * Appends events as the next links of the chain, in the order given, in the caller's transaction:
 * one lock, one read of the last link and one insert, however many events. Needs READ COMMITTED
 * (the default): the read of the last event must see what the previous lock holder committed.
 */
export const appendToChain = async (
  tx: Sql,
  events: readonly RecordedAuditEvent[],
): Promise<StoredAuditEvent[]> => {
  // Two statements: under READ COMMITTED the read's snapshot must be taken once the lock is held.
  // Sent together (pipelined on the transaction's connection), they still run one after the other,
  // so the read waits for the lock without a round trip of its own.
  const [, [last]] = await Promise.all([
    tx.query("select pg_advisory_xact_lock($1)", [APPEND_LOCK]),
    tx.query<Row>("select seq, hash from audit_events order by seq desc limit 1"),
  ]);
  let seq = last ? Number(last.seq) : 0;
  let prevHash = last ? String(last.hash) : GENESIS_HASH;
  const chained = events.map((event): StoredAuditEvent => {
    seq += 1;
    const hash = hashEvent(prevHash, { ...event, seq });
    const link = { ...event, seq, prevHash, hash };
    prevHash = hash;
    return link;
  });
  const rows = await tx.query<Row>(insertEvents(chained.length), chained.flatMap(eventParams));
  // RETURNING promises no order, so match rows to links by seq.
  const stored = new Map(rows.map(eventFromRow).map((event) => [event.seq, event]));
  return chained.map((link) => {
    const read = stored.get(link.seq);
    // Refuse (and roll back) an event whose stored form would not verify later.
    if (!read || hashEvent(link.prevHash, read) !== link.hash)
      throw new Error(`audit event ${link.seq} reads back differently from what was hashed; not recorded`);
    return read;
  });
};
