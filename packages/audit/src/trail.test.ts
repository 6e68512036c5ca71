import { type Database, migrate, openDatabase, type Sql } from "@artifact-store/catalog";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GENESIS_HASH, hashEvent } from "./chain";
import { verifySegmentLines } from "./segments";
import { AuditTrail } from "./trail";
import type { AuditEvent, SegmentSink, StoredAuditEvent } from "./types";
import { AuditError } from "./validation";

// Embedded PGlite by default; with DATABASE_URL, the same tests on that server. It must name a
// fresh database: the tests empty the audit tables between cases.
const url = process.env.DATABASE_URL || undefined;
const SLOW = { timeout: 120_000 };
const ARTIFACT = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const OTHER_ARTIFACT = "0b9e2f4c-1d2a-4e6b-9c3d-5f7a8b9c0d1e";

let db: Database;
let clock: Date;
let trail: AuditTrail;

const open = () =>
  openDatabase(url ? { url, embeddedDataDir: "", maxConnections: 8 } : { embeddedDataDir: "memory://" });

beforeAll(async () => {
  db = await open();
  await migrate(db);
  const [row] = await db.query<{ n: unknown }>("select count(*) as n from audit_events");
  if (Number(row?.n) > 0)
    throw new Error("DATABASE_URL must name a fresh database: audit_events holds events");
}, SLOW.timeout);

beforeEach(async () => {
  await db.exec("truncate audit_events, audit_exports");
  clock = new Date("2026-03-01T12:00:00.000Z");
  trail = new AuditTrail(db, { now: () => clock });
});

afterAll(async () => {
  await db?.exec("truncate audit_events, audit_exports");
  await db?.close();
});

const event = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  at: clock,
  actor: "user:alice",
  action: "artifact.download",
  artifactId: ARTIFACT,
  outcome: "allowed",
  status: 302,
  requestId: `req-${Math.random().toString(36).slice(2)}`,
  ...overrides,
});

const appendMany = async (count: number, overrides: (i: number) => Partial<AuditEvent> = () => ({})) => {
  const stored: StoredAuditEvent[] = [];
  for (let i = 0; i < count; i += 1) stored.push(await trail.append(event(overrides(i))));
  return stored;
};

const seqs = async () =>
  (await db.query<{ seq: unknown }>("select seq from audit_events order by seq")).map((row) =>
    Number(row.seq),
  );

/** Changes the table the way an attacker with table-owner rights would: trigger off, change, on. */
const tamper = (change: (tx: Sql) => Promise<unknown>) =>
  db.transaction(async (tx) => {
    await tx.exec("alter table audit_events disable trigger audit_events_no_change");
    await change(tx);
    await tx.exec("alter table audit_events enable trigger audit_events_no_change");
  });

describe(`AuditTrail on ${url ? "PostgreSQL" : "PGlite"}`, () => {
  describe("append", () => {
    it("starts the chain at seq 1 from the genesis hash and links each event to the one before", async () => {
      const first = await trail.append(event({ sourceIp: "203.0.113.7", userAgent: "curl/8.5" }));
      expect(first).toEqual({
        seq: 1,
        at: clock,
        actor: "user:alice",
        action: "artifact.download",
        artifactId: ARTIFACT,
        uploadId: null,
        target: null,
        outcome: "allowed",
        status: 302,
        reason: null,
        requestId: first.requestId,
        sourceIp: "203.0.113.7",
        userAgent: "curl/8.5",
        prevHash: GENESIS_HASH,
        hash: hashEvent(GENESIS_HASH, first),
      });
      const second = await trail.append(event({ outcome: "denied", status: 403, reason: "no grant" }));
      expect(second.seq).toBe(2);
      expect(second.prevHash).toBe(first.hash);
      expect(second.hash).toBe(hashEvent(first.hash, second));
      expect(await trail.verify()).toEqual({ ok: true, checked: 2, lastSeq: 2 });
    });

    it("stores uuids in lower case and any well-formed text, so what is read back still verifies", async () => {
      const stored = await trail.append(
        event({
          artifactId: ARTIFACT.toUpperCase(),
          target: 'ünïcødé ✓ 🕷 "quoted" \\ \n line',
          userAgent: "",
          at: new Date("1999-12-31T23:59:59.999Z"),
        }),
      );
      expect(stored.artifactId).toBe(ARTIFACT);
      expect(stored.userAgent).toBe("");
      expect((await trail.query({ artifactId: ARTIFACT })).events).toEqual([stored]);
      expect((await trail.verify()).ok).toBe(true);
    });

    it("stores text that reads like array or null syntax as given, alone and in a batch", async () => {
      const texts = ["NULL", "null", "{a,b}", '"', "\\", " padded ", ",", "{}", "()"];
      const stored = await Promise.all(
        texts.map((text) =>
          trail.append(event({ actor: text, target: text, reason: text, userAgent: text })),
        ),
      );
      expect(stored.map((e) => [e.actor, e.target, e.reason, e.userAgent])).toEqual(
        texts.map((text) => [text, text, text, text]),
      );
      const read = (await trail.query({}, { limit: 100 })).events.reverse();
      expect(read.map((e) => e.target)).toEqual(texts);
      expect(await trail.verify()).toEqual({ ok: true, checked: texts.length, lastSeq: texts.length });
    });

    it("stores text PostgreSQL cannot hold (NUL, a lone surrogate) as U+FFFD instead of losing the event", async () => {
      const stored = await trail.append(
        event({ actor: "user:\u0000root", target: "grantee-🕷".slice(0, 9), reason: "a\u0000b\udc00" }),
      );
      expect([stored.actor, stored.target, stored.reason]).toEqual([
        "user:\ufffdroot",
        "grantee-\ufffd",
        "a\ufffdb\ufffd",
      ]);
      expect((await trail.query({ actor: "user:\ufffdroot" })).events).toEqual([stored]);
      expect(await trail.verify()).toEqual({ ok: true, checked: 1, lastSeq: 1 });
    });

    it("refuses malformed events with an AuditError and stores nothing", async () => {
      const bad: [Partial<AuditEvent>, RegExp][] = [
        [{ at: new Date("nope") }, /at must be a valid Date/],
        [{ at: new Date("+010000-01-01T00:00:00Z") }, /at must be a valid Date/],
        [{ outcome: "maybe" as never }, /outcome must be one of allowed, denied, failed/],
        [{ status: 2.5 }, /status must be a 32-bit integer/],
        [{ actor: "" }, /actor must not be empty/],
        [{ requestId: 7 as never }, /requestId must be a string/],
        [{ artifactId: "not-a-uuid" }, /artifactId must be a UUID/],
      ];
      for (const [overrides, message] of bad) {
        const attempt = trail.append(event(overrides));
        await expect(attempt).rejects.toThrow(message);
        await expect(attempt).rejects.toBeInstanceOf(AuditError);
      }
      expect(await seqs()).toEqual([]);
    });

    it("keeps the chain gap-free and unbroken under 200 concurrent appends", SLOW, async () => {
      const stored = await Promise.all(
        Array.from({ length: 200 }, (_, i) => trail.append(event({ requestId: `req-${i}` }))),
      );
      expect(stored.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      expect(await seqs()).toHaveLength(200);
      expect(await trail.verify({ batchSize: 64 })).toEqual({ ok: true, checked: 200, lastSeq: 200 });
    });

    it(
      "commits concurrent appends in batches: 2,000 of them in far fewer transactions, chain intact",
      SLOW,
      async () => {
        let transactions = 0;
        const counted: Database = {
          ...db,
          transaction: (work) => {
            transactions += 1;
            return db.transaction(work);
          },
        };
        const batched = new AuditTrail(counted);
        const stored = await Promise.all(
          Array.from({ length: 2000 }, (_, i) => batched.append(event({ requestId: `req-${i}` }))),
        );
        expect(stored.map((e) => e.requestId)).toEqual(Array.from({ length: 2000 }, (_, i) => `req-${i}`));
        expect(await seqs()).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
        expect(transactions).toBeLessThanOrEqual(10);
        expect(await trail.verify({ batchSize: 333 })).toEqual({ ok: true, checked: 2000, lastSeq: 2000 });
      },
    );

    it("with maxBatch 1 gives each append a transaction of its own, chain intact", SLOW, async () => {
      const single = new AuditTrail(db, { maxBatch: 1 });
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => single.append(event({ requestId: `req-${i}` }))),
      );
      expect(await seqs()).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await trail.verify()).toEqual({ ok: true, checked: 50, lastSeq: 50 });
      for (const maxBatch of [0, 2.5, 10_001])
        expect(() => new AuditTrail(db, { maxBatch })).toThrow(AuditError);
    });

    it("keeps the order in which one caller appends, awaited or not", async () => {
      const unawaited = ["open", "sign", "answer"].map((step) => trail.append(event({ requestId: step })));
      const first = await Promise.all(unawaited);
      const after = await trail.append(event({ requestId: "then" }));
      expect([...first, after].map((e) => [e.seq, e.requestId])).toEqual([
        [1, "open"],
        [2, "sign"],
        [3, "answer"],
        [4, "then"],
      ]);
    });

    it(
      "fails every append of a batch the database refuses, stores none of them, and carries on",
      SLOW,
      async () => {
        await db.exec(`
        create function audit_events_refuse_poison() returns trigger language plpgsql as $$
        begin
          if new.request_id like 'poison%' then raise exception 'refused by the test'; end if;
          return new;
        end $$;
        create trigger audit_events_poison before insert on audit_events
          for each row execute function audit_events_refuse_poison();`);
        try {
          // Appends made in one turn of the event loop share a batch.
          const together = await Promise.allSettled([
            trail.append(event({ requestId: "a" })),
            trail.append(event({ requestId: "poison" })),
            trail.append(event({ requestId: "b" })),
          ]);
          expect(together.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
          expect(await seqs()).toEqual([]);

          // Under load: whoever was told success is stored, whoever was told failure is not.
          const settled = await Promise.allSettled(
            Array.from({ length: 300 }, async (_, i) => {
              await new Promise((resolve) => setTimeout(resolve, i % 7));
              return trail.append(event({ requestId: i % 50 === 49 ? `poison-${i}` : `req-${i}` }));
            }),
          );
          const told = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
          const rejected = settled.filter((result) => result.status === "rejected").length;
          expect(rejected).toBeGreaterThanOrEqual(6);
          expect(told.length + rejected).toBe(300);
          const rows = await db.query<{ seq: unknown; request_id: string }>(
            "select seq, request_id from audit_events order by seq",
          );
          expect(rows.map((row) => [Number(row.seq), row.request_id])).toEqual(
            told.sort((a, b) => a.seq - b.seq).map((e) => [e.seq, e.requestId]),
          );
        } finally {
          await db.exec(`drop trigger audit_events_poison on audit_events;
          drop function audit_events_refuse_poison();`);
        }
        const next = await trail.append(event({ requestId: "after" }));
        expect(next.seq).toBe((await seqs()).length);
        expect((await trail.verify()).ok).toBe(true);
      },
    );

    // Only a server has several connections; the unit-postgres project runs this against one.
    const onServer = url ? it : () => {};
    onServer(
      "reads the last link only once it holds the lock, so it sees what the holder committed",
      SLOW,
      async () => {
        const first = await trail.append(event({ requestId: "first" }));
        const holder = await open();
        let waiting: Promise<StoredAuditEvent> | undefined;
        try {
          await holder.transaction(async (tx) => {
            await tx.query("select pg_advisory_xact_lock(7031338)");
            waiting = new AuditTrail(db).append(event({ requestId: "waited" }));
            await new Promise((resolve) => setTimeout(resolve, 300));
            // Chained as another process would, and committed while the append above waits.
            const meanwhile = { ...event({ requestId: "meanwhile" }), seq: 2 };
            const recorded = { uploadId: null, target: null, reason: null, sourceIp: null, userAgent: null };
            await tx.query(
              `insert into audit_events (seq, at, actor, action, artifact_id, outcome, status, request_id, prev_hash, hash)
             values (2, $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
              [
                meanwhile.at.toISOString(),
                meanwhile.actor,
                meanwhile.action,
                meanwhile.artifactId,
                meanwhile.outcome,
                meanwhile.status,
                meanwhile.requestId,
                first.hash,
                hashEvent(first.hash, { ...meanwhile, ...recorded, artifactId: ARTIFACT }),
              ],
            );
          });
        } finally {
          await holder.close();
        }
        expect((await waiting)?.seq).toBe(3);
        expect(await seqs()).toEqual([1, 2, 3]);
        expect(await trail.verify()).toEqual({ ok: true, checked: 3, lastSeq: 3 });
      },
    );

    onServer("keeps the chain unbroken with appends from several processes' pools", SLOW, async () => {
      const others = await Promise.all([open(), open()]);
      try {
        const trails = [trail, ...others.map((other) => new AuditTrail(other))];
        await Promise.all(
          Array.from({ length: 300 }, (_, i) =>
            trails[i % trails.length]?.append(event({ requestId: `req-${i}` })),
          ),
        );
      } finally {
        await Promise.all(others.map((other) => other.close()));
      }
      expect(await seqs()).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect(await trail.verify()).toEqual({ ok: true, checked: 300, lastSeq: 300 });
    });
  });

  describe("the table", () => {
    it("refuses UPDATE and DELETE while the trigger is on", async () => {
      await appendMany(3);
      await expect(db.query("update audit_events set actor = 'user:mallory' where seq = 2")).rejects.toThrow(
        /append-only/,
      );
      await expect(db.query("delete from audit_events where seq = 3")).rejects.toThrow(/append-only/);
      expect(await trail.verify()).toEqual({ ok: true, checked: 3, lastSeq: 3 });
    });
  });

  describe("verify", () => {
    it("is ok on an empty trail and past its end", async () => {
      expect(await trail.verify()).toEqual({ ok: true, checked: 0, lastSeq: 0 });
      await appendMany(3);
      expect(await trail.verify({ fromSeq: 10 })).toEqual({ ok: true, checked: 0, lastSeq: 3 });
    });

    it("reports the exact seq of an edited event, across batch boundaries", async () => {
      await appendMany(30);
      await tamper((tx) => tx.query("update audit_events set actor = 'user:mallory' where seq = 23"));
      expect(await trail.verify({ batchSize: 7 })).toEqual({
        ok: false,
        checked: 22,
        lastSeq: 22,
        firstBreak: { seq: 23, reason: "hash mismatch: the event was edited" },
      });
    });

    it("reports an edited event whose hash was recomputed at the link after it", async () => {
      const events = await appendMany(30);
      const forged = { ...(events[9] as StoredAuditEvent), actor: "user:mallory" };
      await tamper((tx) =>
        tx.query("update audit_events set actor = $1, hash = $2 where seq = 10", [
          forged.actor,
          hashEvent(forged.prevHash, forged),
        ]),
      );
      expect((await trail.verify({ batchSize: 10 })).firstBreak).toEqual({
        seq: 11,
        reason: "prev_hash does not match event 10",
      });
    });

    it("reports a deleted event as the missing seq", async () => {
      await appendMany(30);
      await tamper((tx) => tx.query("delete from audit_events where seq = 15"));
      expect(await trail.verify({ batchSize: 5 })).toEqual({
        ok: false,
        checked: 14,
        lastSeq: 14,
        firstBreak: { seq: 15, reason: "missing seq 15" },
      });
      await tamper((tx) => tx.query("delete from audit_events where seq = 1"));
      expect((await trail.verify()).firstBreak).toEqual({ seq: 1, reason: "missing seq 1" });
    });

    it("verifies from a given seq, trusting the event before it", async () => {
      await appendMany(30);
      expect(await trail.verify({ fromSeq: 10, batchSize: 4 })).toEqual({
        ok: true,
        checked: 21,
        lastSeq: 30,
      });
      await tamper((tx) => tx.query("delete from audit_events where seq = 9"));
      expect((await trail.verify({ fromSeq: 10 })).firstBreak).toEqual({ seq: 9, reason: "missing seq 9" });
    });

    it("catches a rewritten and rehashed chain at the last exported event", async () => {
      await appendMany(25);
      await trail.exportClosedSegments(new MemorySink(), { segmentSize: 10 });
      // Rewrite from seq 5 on and recompute every hash after it: the chain alone looks sound.
      const rows = await trail.query({}, { limit: 1000 });
      const events = rows.events.reverse();
      await tamper(async (tx) => {
        let prevHash = (events[3] as StoredAuditEvent).hash;
        for (const original of events.slice(4)) {
          const forged = {
            ...original,
            actor: original.seq === 5 ? "user:mallory" : original.actor,
            prevHash,
          };
          forged.hash = hashEvent(prevHash, forged);
          await tx.query("update audit_events set actor = $1, prev_hash = $2, hash = $3 where seq = $4", [
            forged.actor,
            forged.prevHash,
            forged.hash,
            forged.seq,
          ]);
          prevHash = forged.hash;
        }
      });
      expect((await trail.verify()).firstBreak).toEqual({
        seq: 10,
        reason: "hash differs from the one recorded when it was exported: the chain was rewritten",
      });
    });

    it("catches deleted newest events once they were exported", async () => {
      await appendMany(25);
      await trail.exportClosedSegments(new MemorySink(), { segmentSize: 10 });
      await tamper((tx) => tx.query("delete from audit_events where seq >= 15"));
      expect(await trail.verify()).toEqual({
        ok: false,
        checked: 14,
        lastSeq: 14,
        firstBreak: { seq: 15, reason: "missing seq 15 (exported up to seq 20)" },
      });
    });

    it("refuses bad options", async () => {
      await expect(trail.verify({ batchSize: 0 })).rejects.toThrow(/batchSize must be a whole number/);
      await expect(trail.verify({ fromSeq: 1.5 })).rejects.toBeInstanceOf(AuditError);
    });
  });

  describe("query", () => {
    const seed = () =>
      appendMany(12, (i) => ({
        at: new Date(clock.getTime() + i * 60_000),
        actor: i % 2 === 0 ? "user:alice" : "user:bob",
        action: i % 3 === 0 ? "artifact.delete" : "artifact.download",
        artifactId: i % 4 === 0 ? OTHER_ARTIFACT : i % 4 === 1 ? null : ARTIFACT,
        outcome: i % 5 === 0 ? "denied" : "allowed",
      }));

    it("filters by each field and returns the newest first", async () => {
      const all = await seed();
      const expectSeqs = (events: StoredAuditEvent[]) => events.map((e) => e.seq).sort((a, b) => b - a);
      const cases: [Parameters<AuditTrail["query"]>[0], StoredAuditEvent[]][] = [
        [{}, all],
        [{ actor: "user:bob" }, all.filter((e) => e.actor === "user:bob")],
        [{ action: "artifact.delete" }, all.filter((e) => e.action === "artifact.delete")],
        [{ artifactId: ARTIFACT }, all.filter((e) => e.artifactId === ARTIFACT)],
        [{ artifactId: OTHER_ARTIFACT.toUpperCase() }, all.filter((e) => e.artifactId === OTHER_ARTIFACT)],
        [{ outcome: "denied" }, all.filter((e) => e.outcome === "denied")],
        [
          { from: new Date(clock.getTime() + 3 * 60_000), to: new Date(clock.getTime() + 7 * 60_000) },
          all.slice(3, 7),
        ],
        [
          { actor: "user:alice", outcome: "allowed", action: "artifact.download" },
          all.filter(
            (e) => e.actor === "user:alice" && e.outcome === "allowed" && e.action === "artifact.download",
          ),
        ],
        [{ actor: "user:nobody" }, []],
      ];
      for (const [filter, expected] of cases) {
        const page = await trail.query(filter);
        expect(
          page.events.map((e) => e.seq),
          JSON.stringify(filter),
        ).toEqual(expectSeqs(expected));
        expect(page.nextCursor).toBeNull();
      }
      expect((await trail.query({ actor: "user:bob" })).events[0]).toEqual(all[11]);
    });

    it("pages with a cursor that appends between pages neither shift nor repeat", async () => {
      await appendMany(25);
      const first = await trail.query({ actor: "user:alice" }, { limit: 10 });
      expect(first.events.map((e) => e.seq)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
      expect(first.nextCursor).toEqual(expect.any(String));
      await Promise.all(Array.from({ length: 5 }, () => trail.append(event())));
      const seen = [...first.events];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await trail.query({ actor: "user:alice" }, { cursor, limit: 10 });
        seen.push(...page.events);
        cursor = page.nextCursor;
      }
      expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
      // Exactly a page left: no cursor to an empty page.
      const last = await trail.query({}, { cursor: first.nextCursor ?? "", limit: 15 });
      expect(last.events).toHaveLength(15);
      expect(last.nextCursor).toBeNull();
    });

    it("returns 100 events by default and at most 1000", SLOW, async () => {
      // Bulk rows without a valid chain: query reads, it does not verify.
      await db.query(
        `insert into audit_events (seq, at, actor, action, outcome, status, request_id, prev_hash, hash)
         select g, now(), 'bulk', 'artifact.read', 'allowed', 200, 'req-' || g, $1, $1
         from generate_series(1, 1100) as g`,
        [GENESIS_HASH],
      );
      const byDefault = await trail.query({});
      expect(byDefault.events).toHaveLength(100);
      expect(byDefault.events[0]?.seq).toBe(1100);
      const capped = await trail.query({}, { limit: 5000 });
      expect(capped.events).toHaveLength(1000);
      const rest = await trail.query({}, { cursor: capped.nextCursor ?? "", limit: 5000 });
      expect(rest.events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 100 - i));
      expect(rest.nextCursor).toBeNull();
    });

    it("refuses bad cursors, limits and filters with an AuditError", async () => {
      await appendMany(2);
      const bad: [Promise<unknown>, RegExp][] = [
        [trail.query({}, { cursor: "not a cursor" }), /cursor is not one this audit trail handed out/],
        [trail.query({}, { cursor: Buffer.from("-3").toString("base64url") }), /cursor/],
        [trail.query({}, { cursor: "" }), /cursor/],
        [trail.query({}, { limit: 0 }), /limit must be a whole number/],
        [trail.query({ artifactId: "1; drop table audit_events" }), /artifactId must be a UUID/],
        [trail.query({ outcome: "maybe" as never }), /outcome must be one of/],
        [trail.query({ from: new Date(Number.NaN) }), /from must be a valid Date/],
      ];
      for (const [attempt, message] of bad) {
        await expect(attempt).rejects.toThrow(message);
        await expect(attempt).rejects.toBeInstanceOf(AuditError);
      }
      expect((await trail.query({ actor: "' or 1=1 --" })).events).toEqual([]);
    });
  });

  describe("exportClosedSegments", () => {
    const exportedRows = async () =>
      (await db.query<Record<string, unknown>>("select * from audit_exports order by from_seq")).map(
        (row) => ({
          fromSeq: Number(row.from_seq),
          toSeq: Number(row.to_seq),
          key: row.object_key,
          lastHash: row.last_hash,
        }),
      );

    it("exports full segments, then old partial ones, then only what is new", async () => {
      const sink = new MemorySink();
      const events = await appendMany(25);
      expect(await trail.exportClosedSegments(sink, { segmentSize: 10 })).toEqual([
        { fromSeq: 1, toSeq: 10, key: "audit/segments/000000000001-000000000010.jsonl" },
        { fromSeq: 11, toSeq: 20, key: "audit/segments/000000000011-000000000020.jsonl" },
      ]);
      // 21..25 are younger than an hour: the segment may still fill.
      expect(await trail.exportClosedSegments(sink, { segmentSize: 10 })).toEqual([]);

      clock = new Date(clock.getTime() + 3600_000);
      expect(await trail.exportClosedSegments(sink, { segmentSize: 10 })).toEqual([
        { fromSeq: 21, toSeq: 25, key: "audit/segments/000000000021-000000000025.jsonl" },
      ]);
      await appendMany(12);
      expect(await trail.exportClosedSegments(sink, { segmentSize: 10, maxAgeSeconds: 60 })).toEqual([
        { fromSeq: 26, toSeq: 35, key: "audit/segments/000000000026-000000000035.jsonl" },
      ]);
      expect(await trail.exportClosedSegments(sink, { segmentSize: 10, maxAgeSeconds: 0 })).toEqual([
        { fromSeq: 36, toSeq: 37, key: "audit/segments/000000000036-000000000037.jsonl" },
      ]);
      expect(sink.puts).toHaveLength(5);

      const recorded = await exportedRows();
      expect(recorded.map((row) => [row.fromSeq, row.toSeq])).toEqual([
        [1, 10],
        [11, 20],
        [21, 25],
        [26, 35],
        [36, 37],
      ]);
      expect(recorded[1]?.lastHash).toBe(events[19]?.hash);

      // Each segment verifies alone, linked to the last hash of the one before.
      let prevHash = GENESIS_HASH;
      for (const row of recorded) {
        const lines = sink.lines(String(row.key));
        expect(verifySegmentLines(lines, prevHash)).toEqual({
          ok: true,
          checked: row.toSeq - row.fromSeq + 1,
          lastSeq: row.toSeq,
        });
        prevHash = String(row.lastHash);
      }
      const first = JSON.parse(sink.lines(String(recorded[0]?.key))[0] ?? "") as Record<string, unknown>;
      expect(first).toEqual({ ...JSON.parse(JSON.stringify(events[0])), seq: 1 });
      expect(await trail.verify()).toEqual({ ok: true, checked: 37, lastSeq: 37 });
    });

    it("writes lines in which tampering is detected", async () => {
      const sink = new MemorySink();
      await appendMany(10);
      await trail.exportClosedSegments(sink, { segmentSize: 10 });
      const lines = sink.lines("audit/segments/000000000001-000000000010.jsonl");
      lines[6] = (lines[6] ?? "").replace('"status":302', '"status":200');
      expect(verifySegmentLines(lines, GENESIS_HASH)).toEqual({
        ok: false,
        checked: 6,
        lastSeq: 6,
        firstBreak: { seq: 7, reason: "hash mismatch: the event was edited" },
      });
    });

    it("never exports a segment twice when called concurrently", SLOW, async () => {
      const sink = new MemorySink();
      await appendMany(50);
      const results = await Promise.all(
        Array.from({ length: 4 }, () => trail.exportClosedSegments(sink, { segmentSize: 10 })),
      );
      const exported = results.flat().sort((a, b) => a.fromSeq - b.fromSeq);
      expect(exported.map((s) => s.fromSeq)).toEqual([1, 11, 21, 31, 41]);
      expect(sink.puts).toHaveLength(5);
      expect(new Set(sink.puts).size).toBe(5);
      expect(await exportedRows()).toHaveLength(5);
    });

    it("records nothing for a segment whose put failed, and resumes there", async () => {
      await appendMany(30);
      const sink = new MemorySink();
      sink.failOn = "audit/segments/000000000011-000000000020.jsonl";
      await expect(trail.exportClosedSegments(sink, { segmentSize: 10 })).rejects.toThrow(
        /audit segment audit\/segments\/000000000011-000000000020.jsonl could not be written: Error: storage down/,
      );
      expect((await exportedRows()).map((row) => row.fromSeq)).toEqual([1]);
      sink.failOn = null;
      expect((await trail.exportClosedSegments(sink, { segmentSize: 10 })).map((s) => s.fromSeq)).toEqual([
        11, 21,
      ]);
    });

    it("refuses to copy out a broken chain", async () => {
      await appendMany(10);
      await tamper((tx) => tx.query("update audit_events set reason = 'hidden' where seq = 4"));
      const sink = new MemorySink();
      await expect(trail.exportClosedSegments(sink, { segmentSize: 10 })).rejects.toThrow(
        "audit chain is broken at seq 4 (hash mismatch: the event was edited); not exporting",
      );
      expect(sink.puts).toEqual([]);
      expect(await exportedRows()).toEqual([]);
    });

    it("exports nothing from an empty trail and refuses bad options", async () => {
      expect(await trail.exportClosedSegments(new MemorySink())).toEqual([]);
      await expect(trail.exportClosedSegments(new MemorySink(), { segmentSize: 0 })).rejects.toThrow(
        /segmentSize must be a whole number/,
      );
      await expect(
        trail.exportClosedSegments(new MemorySink(), { maxAgeSeconds: -1 }),
      ).rejects.toBeInstanceOf(AuditError);
    });
  });
});

class MemorySink implements SegmentSink {
  readonly objects = new Map<string, string>();
  readonly puts: string[] = [];
  failOn: string | null = null;

  async put(key: string, body: string): Promise<void> {
    // Yield first, so concurrent exporters really interleave here.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (key === this.failOn) throw new Error("storage down");
    this.puts.push(key);
    this.objects.set(key, body);
  }

  lines(key: string): string[] {
    const body = this.objects.get(key);
    if (body === undefined) throw new Error(`nothing was put at ${key}`);
    return body.split("\n");
  }
}
