import type { Database, Sql } from "@artifact-store/catalog";
import { appendToChain } from "./append";
import { ChainWalker, GENESIS_HASH } from "./chain";
import { decodeCursor, encodeCursor } from "./cursor";
import { GroupCommit } from "./group-commit";
import { EVENT_COLUMNS, eventFromRow, type Row } from "./rows";
import { segmentBody, segmentKey } from "./segments";
import type {
  AuditEvent,
  AuditFilter,
  AuditPage,
  ChainBreak,
  ExportedSegment,
  RecordedAuditEvent,
  SegmentSink,
  StoredAuditEvent,
  VerifyReport,
} from "./types";
import { AuditError, integerOption, isStorableDate, OUTCOMES, recordedEvent, uuid } from "./validation";

// Advisory lock key of exports; appends take APPEND_LOCK (append.ts).
const EXPORT_LOCK = 7_031_339;

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const DEFAULT_BATCH = 1000;
const MAX_BATCH = 100_000;
const DEFAULT_SEGMENT = 1000;
const MAX_SEGMENT = 100_000;
const DEFAULT_MAX_AGE_SECONDS = 3600;
// A batch holds at most one event per waiting caller, so the cap only bounds a burst's transaction.
const DEFAULT_APPEND_BATCH = 500;
const MAX_APPEND_BATCH = 10_000;

const invalidFilter = (message: string) => new AuditError("invalid_filter", message);

/** Unset, null and undefined all read as 0: an empty table. */
const maxOf = async (sql: Sql, query: string): Promise<number> => {
  const [row] = await sql.query<{ max: unknown }>(query);
  return Number(row?.max ?? 0);
};

/**
 * The tamper-evident audit trail. Each event carries the hash of the one before, and appends
 * take an advisory lock so the chain never forks. Appends arriving together in one process are
 * chained and committed as one batch (group commit), so the lock is taken once per batch rather
 * than once per event. Closed segments are copied out as JSONL so a rewrite of the database can
 * be caught against the copies.
 */
export class AuditTrail {
  private readonly now: () => Date;
  private readonly batches: GroupCommit<RecordedAuditEvent, StoredAuditEvent> | null;

  /**
   * maxBatch: the most events committed in one transaction; 1 gives every append a transaction of
   * its own, taken at once (the trail before group commit, kept as the baseline of the bench).
   */
  constructor(
    private readonly db: Database,
    options: { now?: () => Date; maxBatch?: number } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    const maxBatch = integerOption("maxBatch", options.maxBatch ?? DEFAULT_APPEND_BATCH, 1, MAX_APPEND_BATCH);
    this.batches =
      maxBatch === 1
        ? null
        : new GroupCommit((events) => db.transaction((tx) => appendToChain(tx, events)), maxBatch);
  }

  /**
   * Records an event as the next link of the chain and resolves once the transaction holding it
   * has committed, so a caller told success can rely on the event being durable. When the batch
   * it went in fails, so does every append in it: no event is stored that its caller was told
   * failed, and none reported stored is missing. Appends flush in the order they were made.
   */
  async append(event: AuditEvent): Promise<StoredAuditEvent> {
    // Refused here, one caller at a time, so a malformed event never fails the batch of others.
    const recorded = recordedEvent(event);
    if (this.batches) return this.batches.submit(recorded);
    const [stored] = await this.db.transaction((tx) => appendToChain(tx, [recorded]));
    if (!stored) throw new Error("audit append recorded no event");
    return stored;
  }

  /** Newest first. The cursor is a seq, so appends between pages never shift or repeat events. */
  async query(filter: AuditFilter, page: { cursor?: string; limit?: number } = {}): Promise<AuditPage> {
    const limit = Math.min(
      integerOption("limit", page.limit ?? DEFAULT_PAGE, 1, Number.MAX_SAFE_INTEGER),
      MAX_PAGE,
    );
    const { where, params } = filterClause(filter, page.cursor);
    params.push(limit + 1);
    const rows = await this.db.query<Row>(
      `select ${EVENT_COLUMNS} from audit_events ${where} order by seq desc limit $${params.length}`,
      params,
    );
    // One row more than asked says whether another page exists, without an empty last page.
    const events = rows.slice(0, limit).map(eventFromRow);
    const last = events.at(-1);
    return { events, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
  }

  /**
   * Walks the chain from fromSeq up to the newest event at the start, batchSize rows at a time,
   * and reports the first break: a gap, a broken link, an edited event, or an event whose hash
   * differs from the one recorded when it was exported (the whole chain was rewritten).
   * With fromSeq > 1 the event before is trusted as the anchor.
   */
  async verify(options: { fromSeq?: number; batchSize?: number } = {}): Promise<VerifyReport> {
    const fromSeq = integerOption("fromSeq", options.fromSeq ?? 1, 1, Number.MAX_SAFE_INTEGER);
    const batchSize = integerOption("batchSize", options.batchSize ?? DEFAULT_BATCH, 1, MAX_BATCH);
    const untilSeq = await maxOf(this.db, "select max(seq) as max from audit_events");
    if (fromSeq > untilSeq + 1) return { ok: true, checked: 0, lastSeq: untilSeq };

    const anchor = await this.hashBefore(fromSeq);
    const walker = new ChainWalker(anchor ?? "", fromSeq);
    if (anchor === null) return walker.report({ seq: fromSeq - 1, reason: `missing seq ${fromSeq - 1}` });

    for (let after = fromSeq - 1; after < untilSeq; ) {
      const rows = await this.db.query<Row>(
        `select ${EVENT_COLUMNS} from audit_events where seq > $1 and seq <= $2 order by seq limit $3`,
        [after, untilSeq, batchSize],
      );
      const events = rows.map(eventFromRow);
      const last = events.at(-1);
      // untilSeq existed when the walk began, so an empty batch means events were deleted since.
      if (!last) return walker.report({ seq: after + 1, reason: `missing seq ${after + 1}` });
      const exported = await this.exportedHashes(after, last.seq);
      for (const event of events) {
        const broken = walker.inspect(event) ?? exportMismatch(event, exported);
        if (broken) return walker.report(broken);
        walker.advance(event);
      }
      after = last.seq;
    }
    return walker.report(await this.truncatedTail(walker.lastSeq));
  }

  /**
   * Copies every closed segment after the last exported one to the sink, oldest first, and
   * records it in audit_exports. A segment is segmentSize consecutive events, or fewer once the
   * newest of them is older than maxAgeSeconds. Each segment is its own transaction under an
   * advisory lock, so concurrent callers never export one twice and a failed put loses nothing.
   */
  async exportClosedSegments(
    sink: SegmentSink,
    options: { segmentSize?: number; maxAgeSeconds?: number } = {},
  ): Promise<ExportedSegment[]> {
    const segmentSize = integerOption("segmentSize", options.segmentSize ?? DEFAULT_SEGMENT, 1, MAX_SEGMENT);
    const maxAgeSeconds = integerOption(
      "maxAgeSeconds",
      options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    // Stop at what existed when called, so a steady stream of appends cannot keep this running.
    const horizon = await maxOf(this.db, "select max(seq) as max from audit_events");
    const exported: ExportedSegment[] = [];
    for (;;) {
      const segment = await this.db.transaction((tx) =>
        this.exportNextSegment(tx, sink, segmentSize, maxAgeSeconds, horizon),
      );
      if (!segment) return exported;
      exported.push(segment);
    }
  }

  private async exportNextSegment(
    tx: Sql,
    sink: SegmentSink,
    segmentSize: number,
    maxAgeSeconds: number,
    horizon: number,
  ): Promise<ExportedSegment | null> {
    await tx.query("select pg_advisory_xact_lock($1)", [EXPORT_LOCK]);
    const [previous] = await tx.query<Row>(
      "select to_seq, last_hash from audit_exports order by from_seq desc limit 1",
    );
    const fromSeq = previous ? Number(previous.to_seq) + 1 : 1;
    if (fromSeq > horizon) return null;
    const rows = await tx.query<Row>(
      `select ${EVENT_COLUMNS} from audit_events where seq >= $1 order by seq limit $2`,
      [fromSeq, segmentSize],
    );
    const events = rows.map(eventFromRow);
    const closedBefore = new Date(this.now().getTime() - maxAgeSeconds * 1000);
    if (!isClosed(events, segmentSize, closedBefore)) return null;

    const last = assertUnbroken(events, fromSeq, previous ? String(previous.last_hash) : GENESIS_HASH);
    const key = segmentKey(fromSeq, last.seq);
    try {
      await sink.put(key, segmentBody(events));
    } catch (error) {
      throw new Error(`audit segment ${key} could not be written: ${String(error)}`, { cause: error });
    }
    await tx.query(
      `insert into audit_exports (from_seq, to_seq, object_key, last_hash, exported_at)
       values ($1::bigint, $2::bigint, $3, $4, $5::timestamptz)`,
      [fromSeq, last.seq, key, last.hash, this.now().toISOString()],
    );
    return { fromSeq, toSeq: last.seq, key };
  }

  /** The hash events from fromSeq link to: genesis, the stored hash before, or null when missing. */
  private async hashBefore(fromSeq: number): Promise<string | null> {
    if (fromSeq === 1) return GENESIS_HASH;
    const [row] = await this.db.query<Row>("select hash from audit_events where seq = $1", [fromSeq - 1]);
    return row ? String(row.hash) : null;
  }

  /** last_hash of the exports ending in (after, until]: what those events hashed to when copied out. */
  private async exportedHashes(after: number, until: number): Promise<Map<number, string>> {
    const rows = await this.db.query<Row>(
      "select to_seq, last_hash from audit_exports where to_seq > $1 and to_seq <= $2",
      [after, until],
    );
    return new Map(rows.map((row) => [Number(row.to_seq), String(row.last_hash)]));
  }

  /** Exports reaching past the newest event mean the newest events were deleted. */
  private async truncatedTail(lastSeq: number): Promise<ChainBreak | undefined> {
    const exportedTo = await maxOf(this.db, "select max(to_seq) as max from audit_exports");
    if (exportedTo <= lastSeq) return undefined;
    return { seq: lastSeq + 1, reason: `missing seq ${lastSeq + 1} (exported up to seq ${exportedTo})` };
  }
}

const exportMismatch = (event: StoredAuditEvent, exported: Map<number, string>): ChainBreak | null => {
  const hash = exported.get(event.seq);
  if (hash === undefined || hash === event.hash) return null;
  return {
    seq: event.seq,
    reason: "hash differs from the one recorded when it was exported: the chain was rewritten",
  };
};

/** Full, or partial and quiet for long enough that nobody should be waiting to fill it. */
const isClosed = (events: readonly StoredAuditEvent[], segmentSize: number, closedBefore: Date): boolean => {
  if (events.length === segmentSize) return true;
  if (events.length === 0) return false;
  const newest = events.reduce((max, event) => Math.max(max, event.at.getTime()), Number.NEGATIVE_INFINITY);
  return newest <= closedBefore.getTime();
};

/** Copying out a broken chain would launder it into the archive, so refuse instead. */
const assertUnbroken = (
  events: readonly StoredAuditEvent[],
  fromSeq: number,
  prevHash: string,
): StoredAuditEvent => {
  const walker = new ChainWalker(prevHash, fromSeq);
  for (const event of events) {
    const broken = walker.next(event);
    if (broken)
      throw new Error(`audit chain is broken at seq ${broken.seq} (${broken.reason}); not exporting`);
  }
  const last = events.at(-1);
  if (!last) throw new Error("cannot export an empty audit segment");
  return last;
};

/** A parameterised where clause (and its parameters) for a filter and an optional cursor. */
const filterClause = (filter: AuditFilter, cursor: string | undefined) => {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  if (filter.actor !== undefined) add((p) => `actor = ${p}`, filter.actor);
  if (filter.action !== undefined) add((p) => `action = ${p}`, filter.action);
  if (filter.artifactId !== undefined)
    add((p) => `artifact_id = ${p}::uuid`, uuid("artifactId", filter.artifactId, invalidFilter));
  if (filter.outcome !== undefined) {
    if (!OUTCOMES.includes(filter.outcome))
      throw invalidFilter(`outcome must be one of ${OUTCOMES.join(", ")}, got "${String(filter.outcome)}".`);
    add((p) => `outcome = ${p}`, filter.outcome);
  }
  if (filter.from !== undefined) add((p) => `at >= ${p}::timestamptz`, filterDate("from", filter.from));
  if (filter.to !== undefined) add((p) => `at < ${p}::timestamptz`, filterDate("to", filter.to));
  if (cursor !== undefined) add((p) => `seq < ${p}::bigint`, decodeCursor(cursor));
  return { where: conditions.length > 0 ? `where ${conditions.join(" and ")}` : "", params };
};

const filterDate = (name: string, value: Date): string => {
  if (!isStorableDate(value)) throw invalidFilter(`${name} must be a valid Date between years 1 and 9999.`);
  return value.toISOString();
};
