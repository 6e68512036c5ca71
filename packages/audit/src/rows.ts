import type { AuditOutcome, StoredAuditEvent } from "./types";

export type Row = Record<string, unknown>;

/** Every column, in the order of the table, for select lists and returning clauses. */
export const EVENT_COLUMNS =
  "seq, at, actor, action, artifact_id, upload_id, target, outcome, status, reason, request_id, source_ip, " +
  "user_agent, prev_hash, hash";

// Engines differ: bigint arrives as a string or a number, timestamptz as a Date or text.
const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const nullableText = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

export const eventFromRow = (row: Row): StoredAuditEvent => ({
  seq: Number(row.seq),
  at: toDate(row.at),
  actor: String(row.actor),
  action: String(row.action),
  artifactId: nullableText(row.artifact_id),
  uploadId: nullableText(row.upload_id),
  target: nullableText(row.target),
  outcome: row.outcome as AuditOutcome,
  status: Number(row.status),
  reason: nullableText(row.reason),
  requestId: String(row.request_id),
  sourceIp: nullableText(row.source_ip),
  userAgent: nullableText(row.user_agent),
  prevHash: String(row.prev_hash),
  hash: String(row.hash),
});

/** Parameters for `insert ... values ($1 .. $15)` in EVENT_COLUMNS order. */
export const eventParams = (event: StoredAuditEvent): unknown[] => [
  event.seq,
  event.at.toISOString(),
  event.actor,
  event.action,
  event.artifactId,
  event.uploadId,
  event.target,
  event.outcome,
  event.status,
  event.reason,
  event.requestId,
  event.sourceIp,
  event.userAgent,
  event.prevHash,
  event.hash,
];
