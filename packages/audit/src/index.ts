export { canonicalEventJson, GENESIS_HASH, hashEvent } from "./chain";
export { SEGMENT_PREFIX, segmentKey, verifySegmentLines } from "./segments";
export { AuditTrail } from "./trail";
export type {
  AuditEvent,
  AuditFilter,
  AuditOutcome,
  AuditPage,
  ChainBreak,
  ExportedSegment,
  HashedAuditEvent,
  RecordedAuditEvent,
  SegmentSink,
  StoredAuditEvent,
  VerifyReport,
} from "./types";
export { AuditError } from "./validation";
