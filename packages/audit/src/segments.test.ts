import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashEvent } from "./chain";
import { segmentBody, segmentKey, segmentLine, verifySegmentLines } from "./segments";
import type { StoredAuditEvent } from "./types";

/** A hand-made chain of seqs first..last linked to prevHash. */
const chain = (first: number, last: number, prevHash = GENESIS_HASH): StoredAuditEvent[] => {
  const events: StoredAuditEvent[] = [];
  let prev = prevHash;
  for (let seq = first; seq <= last; seq += 1) {
    const fields = {
      seq,
      at: new Date(Date.UTC(2026, 2, 1, 12, 0, seq)),
      actor: `user:${seq % 3}`,
      action: "artifact.read",
      artifactId: null,
      uploadId: null,
      target: null,
      outcome: "allowed" as const,
      status: 200,
      reason: null,
      requestId: `req-${seq}`,
      sourceIp: null,
      userAgent: "scraper/1 ✓ 🕷",
    };
    const hash = hashEvent(prev, fields);
    events.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return events;
};

const lines = (events: StoredAuditEvent[]) => segmentBody(events).split("\n");

const edit = (line: string, change: (o: Record<string, unknown>) => void): string => {
  const o = JSON.parse(line) as Record<string, unknown>;
  change(o);
  return JSON.stringify(o);
};

describe("segmentKey", () => {
  it("pads both seqs to 12 digits so keys sort in seq order", () => {
    expect(segmentKey(1, 1000)).toBe("audit/segments/000000000001-000000001000.jsonl");
    expect(segmentKey(1001, 1500)).toBe("audit/segments/000000001001-000000001500.jsonl");
  });
});

describe("verifySegmentLines", () => {
  it("accepts a body as exported, trailing newline included", () => {
    const events = chain(1, 5);
    expect(segmentBody(events).endsWith("\n")).toBe(true);
    expect(verifySegmentLines(lines(events), GENESIS_HASH)).toEqual({ ok: true, checked: 5, lastSeq: 5 });
  });

  it("verifies a later segment against the last hash of the one before", () => {
    const first = chain(1, 10);
    const second = chain(11, 20, first.at(-1)?.hash);
    expect(verifySegmentLines(lines(second), first.at(-1)?.hash ?? "")).toEqual({
      ok: true,
      checked: 10,
      lastSeq: 20,
    });
    expect(verifySegmentLines(lines(second), GENESIS_HASH).firstBreak).toEqual({
      seq: 11,
      reason: "prev_hash does not match event 10",
    });
  });

  it("detects an edited line", () => {
    const body = lines(chain(1, 5));
    body[2] = edit(body[2] ?? "", (o) => {
      o.actor = "user:mallory";
    });
    expect(verifySegmentLines(body, GENESIS_HASH)).toEqual({
      ok: false,
      checked: 2,
      lastSeq: 2,
      firstBreak: { seq: 3, reason: "hash mismatch: the event was edited" },
    });
  });

  it("detects an edited line whose hash was recomputed, at the next line", () => {
    const events = chain(1, 5);
    const forged = { ...(events[2] as StoredAuditEvent), status: 500 };
    forged.hash = hashEvent(forged.prevHash, forged);
    const body = lines(events);
    body[2] = segmentLine(forged);
    expect(verifySegmentLines(body, GENESIS_HASH).firstBreak).toEqual({
      seq: 4,
      reason: "prev_hash does not match event 3",
    });
  });

  it("detects a dropped line, a reordered line and a wrong genesis", () => {
    const body = lines(chain(1, 5));
    const dropped = body.filter((_, index) => index !== 1);
    expect(verifySegmentLines(dropped, GENESIS_HASH).firstBreak).toEqual({ seq: 2, reason: "missing seq 2" });
    const swapped = [body[0], body[2], body[1], body[3]].map(String);
    expect(verifySegmentLines(swapped, GENESIS_HASH).firstBreak?.seq).toBe(2);
    expect(verifySegmentLines(body, "f".repeat(64)).firstBreak).toEqual({
      seq: 1,
      reason: "prev_hash does not match event 0",
    });
    const forgedStart = chain(1, 2, "f".repeat(64)).map(segmentLine);
    expect(verifySegmentLines(forgedStart, GENESIS_HASH).firstBreak).toEqual({
      seq: 1,
      reason: "prev_hash of the first event is not the genesis hash",
    });
  });

  it("reports lines that are not events, and extra or retyped fields", () => {
    const body = lines(chain(1, 3));
    const cases: [string, RegExp][] = [
      ["{not json", /line 2 is not an audit event: not JSON/],
      ["[1,2]", /not a JSON object/],
      [edit(body[1] ?? "", (o) => Object.assign(o, { admin: true })), /unexpected key "admin"/],
      [edit(body[1] ?? "", (o) => Object.assign(o, { status: "200" })), /status is not an integer/],
      [edit(body[1] ?? "", (o) => Object.assign(o, { at: "2026-03-01 12:00:02Z" })), /at is not an ISO/],
      [edit(body[1] ?? "", (o) => Object.assign(o, { target: undefined })), /target is neither/],
      [edit(body[1] ?? "", (o) => Object.assign(o, { outcome: "maybe" })), /outcome is not/],
      [edit(body[1] ?? "", (o) => Object.assign(o, { hash: "abc" })), /hash is not 64 hex/],
    ];
    for (const [line, reason] of cases) {
      const report = verifySegmentLines([body[0] ?? "", line, body[2] ?? ""], GENESIS_HASH);
      expect(report.ok).toBe(false);
      expect(report.firstBreak?.seq).toBe(2);
      expect(report.firstBreak?.reason).toMatch(reason);
    }
  });

  it("refuses an empty segment: an export always holds at least one event", () => {
    expect(verifySegmentLines(["", ""], GENESIS_HASH)).toMatchObject({
      ok: false,
      firstBreak: { reason: "the segment holds no events" },
    });
  });
});
