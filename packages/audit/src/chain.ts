import { createHash } from "node:crypto";
import type { ChainBreak, HashedAuditEvent, StoredAuditEvent, VerifyReport } from "./types";

/** The prev_hash of the first event. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The exact text a hash covers: keys in this fixed order, every field present (null when absent),
 * `at` as ISO 8601 UTC with milliseconds. Changing any of this invalidates every stored chain.
 */
export const canonicalFields = (event: HashedAuditEvent) => ({
  seq: event.seq,
  at: event.at.toISOString(),
  actor: event.actor,
  action: event.action,
  artifactId: event.artifactId,
  uploadId: event.uploadId,
  target: event.target,
  outcome: event.outcome,
  status: event.status,
  reason: event.reason,
  requestId: event.requestId,
  sourceIp: event.sourceIp,
  userAgent: event.userAgent,
});

export const canonicalEventJson = (event: HashedAuditEvent): string => JSON.stringify(canonicalFields(event));

/** sha256 (hex) of the previous hash, a newline and the canonical JSON of the event. */
export const hashEvent = (prevHash: string, event: HashedAuditEvent): string =>
  createHash("sha256")
    .update(`${prevHash}\n${canonicalEventJson(event)}`, "utf8")
    .digest("hex");

/**
 * Checks events one at a time in seq order, remembering only the previous hash, so a chain of
 * any length verifies in constant memory. Shared by the database walk and exported segments.
 */
export class ChainWalker {
  private prevHash: string;
  private expectedSeq: number | null;
  checked = 0;
  lastSeq: number;

  /** firstSeq null: take the first event's seq as the start (a segment read on its own). */
  constructor(prevHash: string, firstSeq: number | null) {
    this.prevHash = prevHash;
    this.expectedSeq = firstSeq;
    this.lastSeq = (firstSeq ?? 1) - 1;
  }

  /** The seq the next event must carry, or null when any start is accepted. */
  get nextSeq(): number | null {
    return this.expectedSeq;
  }

  /** The break this event reveals, or null when it extends the chain; does not advance. */
  inspect(event: StoredAuditEvent): ChainBreak | null {
    const expected = this.expectedSeq ?? event.seq;
    if (event.seq > expected) return { seq: expected, reason: `missing seq ${expected}` };
    if (event.seq < expected)
      return { seq: event.seq, reason: `seq ${event.seq} out of order: expected seq ${expected}` };
    if (event.prevHash !== this.prevHash) {
      const reason =
        event.seq === 1 && this.prevHash === GENESIS_HASH
          ? "prev_hash of the first event is not the genesis hash"
          : `prev_hash does not match event ${event.seq - 1}`;
      return { seq: event.seq, reason };
    }
    if (hashEvent(event.prevHash, event) !== event.hash)
      return { seq: event.seq, reason: "hash mismatch: the event was edited" };
    return null;
  }

  advance(event: StoredAuditEvent): void {
    this.prevHash = event.hash;
    this.expectedSeq = event.seq + 1;
    this.lastSeq = event.seq;
    this.checked += 1;
  }

  /** inspect, then advance when the event is sound. */
  next(event: StoredAuditEvent): ChainBreak | null {
    const broken = this.inspect(event);
    if (!broken) this.advance(event);
    return broken;
  }

  report(firstBreak?: ChainBreak): VerifyReport {
    const report: VerifyReport = { ok: !firstBreak, checked: this.checked, lastSeq: this.lastSeq };
    if (firstBreak) report.firstBreak = firstBreak;
    return report;
  }
}
