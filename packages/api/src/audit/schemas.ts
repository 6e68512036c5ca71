import * as v from "valibot";
import { Id, IsoTime } from "../common/schemas";

export const AuditQuery = v.strictObject({
  actor: v.optional(v.pipe(v.string(), v.maxLength(300))),
  artifactId: v.optional(Id),
  action: v.optional(v.pipe(v.string(), v.maxLength(100))),
  outcome: v.optional(v.picklist(["allowed", "denied", "failed"])),
  from: v.optional(IsoTime),
  to: v.optional(IsoTime),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(100))),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000))),
});
export const AuditEventView = v.object({
  seq: v.number(),
  at: v.string(),
  actor: v.string(),
  action: v.string(),
  artifactId: v.nullable(v.string()),
  uploadId: v.nullable(v.string()),
  target: v.nullable(v.string()),
  outcome: v.string(),
  status: v.number(),
  reason: v.nullable(v.string()),
  requestId: v.string(),
  sourceIp: v.nullable(v.string()),
  userAgent: v.nullable(v.string()),
  prevHash: v.string(),
  hash: v.string(),
});
export const AuditPage = v.object({ events: v.array(AuditEventView), nextCursor: v.nullable(v.string()) });
export const AuditVerifyReport = v.object({
  ok: v.boolean(),
  checked: v.number(),
  lastSeq: v.number(),
  firstBreak: v.optional(v.object({ seq: v.number(), reason: v.string() })),
});
export const AuditExportResult = v.object({
  exported: v.array(v.object({ fromSeq: v.number(), toSeq: v.number(), key: v.string() })),
});
