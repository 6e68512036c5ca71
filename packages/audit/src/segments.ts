import { ChainWalker, canonicalFields } from "./chain";
import type { AuditOutcome, StoredAuditEvent, VerifyReport } from "./types";
import { isStorableDate, OUTCOMES } from "./validation";

export const SEGMENT_PREFIX = "audit/segments/";

const pad = (seq: number) => String(seq).padStart(12, "0");

/** Zero-padded so keys sort in seq order in any object listing. */
export const segmentKey = (fromSeq: number, toSeq: number): string =>
  `${SEGMENT_PREFIX}${pad(fromSeq)}-${pad(toSeq)}.jsonl`;

/** One JSONL line: the stored event, hashes included, in canonical key order. */
export const segmentLine = (event: StoredAuditEvent): string =>
  JSON.stringify({ ...canonicalFields(event), prevHash: event.prevHash, hash: event.hash });

export const segmentBody = (events: readonly StoredAuditEvent[]): string =>
  `${events.map(segmentLine).join("\n")}\n`;

const HASH = /^[0-9a-f]{64}$/;
const REQUIRED_TEXT = ["actor", "action", "requestId"] as const;
const NULLABLE_TEXT = ["artifactId", "uploadId", "target", "reason", "sourceIp", "userAgent"] as const;
const KEYS = new Set<string>([
  "seq",
  "at",
  "outcome",
  "status",
  "prevHash",
  "hash",
  ...REQUIRED_TEXT,
  ...NULLABLE_TEXT,
]);

/** What is wrong with a parsed line, or null when every field has its type. */
const lineProblem = (o: Record<string, unknown>): string | null => {
  const unknown = Object.keys(o).find((key) => !KEYS.has(key));
  if (unknown !== undefined) return `unexpected key "${unknown}"`;
  if (!Number.isSafeInteger(o.seq) || (o.seq as number) < 1) return "seq is not a positive integer";
  const at = typeof o.at === "string" ? new Date(o.at) : null;
  // Only the exact ISO form hashes the same, so any other spelling is already a change.
  if (!isStorableDate(at) || at.toISOString() !== o.at) return "at is not an ISO 8601 UTC timestamp";
  for (const key of REQUIRED_TEXT) if (typeof o[key] !== "string") return `${key} is not a string`;
  for (const key of NULLABLE_TEXT)
    if (o[key] !== null && typeof o[key] !== "string") return `${key} is neither a string nor null`;
  if (!OUTCOMES.includes(o.outcome as AuditOutcome)) return "outcome is not allowed, denied or failed";
  if (!Number.isInteger(o.status)) return "status is not an integer";
  if (typeof o.prevHash !== "string" || !HASH.test(o.prevHash)) return "prevHash is not 64 hex digits";
  if (typeof o.hash !== "string" || !HASH.test(o.hash)) return "hash is not 64 hex digits";
  return null;
};

/** The event a line holds, or a sentence saying what is wrong with it. */
const parseLine = (line: string): StoredAuditEvent | string => {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object";
  const o = value as Record<string, unknown>;
  const problem = lineProblem(o);
  if (problem) return problem;
  // lineProblem checked every field, so the cast only restores what was proven.
  return { ...(o as unknown as StoredAuditEvent), at: new Date(o.at as string) };
};

/**
 * Verifies an exported segment on its own: every line parses, seqs are consecutive, the first
 * links to expectedPrevHash (the last hash of the segment before, or GENESIS_HASH) and every
 * hash recomputes. Blank lines are skipped, since a body ends with a newline.
 */
export const verifySegmentLines = (lines: readonly string[], expectedPrevHash: string): VerifyReport => {
  const walker = new ChainWalker(expectedPrevHash, null);
  let lineNumber = 0;
  for (const line of lines) {
    lineNumber += 1;
    if (line.trim() === "") continue;
    const event = parseLine(line);
    if (typeof event === "string") {
      const seq = walker.nextSeq ?? 0;
      return walker.report({ seq, reason: `line ${lineNumber} is not an audit event: ${event}` });
    }
    const broken = walker.next(event);
    if (broken) return walker.report(broken);
  }
  if (walker.checked === 0) return walker.report({ seq: 0, reason: "the segment holds no events" });
  return walker.report();
};
