import type { Sql } from "@artifact-store/catalog";
import { GENESIS_HASH, hashEvent } from "./chain";
import { EVENT_COLUMNS, eventFromRow, eventParams, type Row } from "./rows";
import type { RecordedAuditEvent, StoredAuditEvent } from "./types";

// Advisory lock key shared by every process writing this schema; 7031337 is the migration lock.
export const APPEND_LOCK = 7_031_338;

/** Array types of the columns in EVENT_COLUMNS order. */
const COLUMN_TYPES = [
  "bigint",
  "timestamptz",
  "text",
  "text",
  "uuid",
  "uuid",
  "text",
  "text",
  "integer",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
];

// One array parameter a column: the same short statement for any number of events.
const INSERT_EVENTS = `insert into audit_events (${EVENT_COLUMNS})
  select * from unnest(${COLUMN_TYPES.map((type, column) => `$${column + 1}::${type}[]`).join(", ")})
  returning ${EVENT_COLUMNS}`;

/** The events' parameters column by column, as INSERT_EVENTS takes them. */
const columnArrays = (events: readonly StoredAuditEvent[]): unknown[][] => {
  const rows = events.map(eventParams);
  return COLUMN_TYPES.map((_, column) => rows.map((row) => row[column]));
};

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
  const rows = await tx.query<Row>(INSERT_EVENTS, columnArrays(chained));
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
