export type AuditOutcome = "allowed" | "denied" | "failed";

/** One thing that happened, as the caller records it. */
export interface AuditEvent {
  at: Date;
  actor: string;
  action: string;
  artifactId?: string | null;
  uploadId?: string | null;
  target?: string | null;
  outcome: AuditOutcome;
  status: number;
  reason?: string | null;
  requestId: string;
  sourceIp?: string | null;
  userAgent?: string | null;
}

/** Every field of an event present, optional ones as null: the form that is hashed and stored. */
export type RecordedAuditEvent = { [K in keyof AuditEvent]-?: Exclude<AuditEvent[K], undefined> };

export interface StoredAuditEvent extends RecordedAuditEvent {
  seq: number;
  prevHash: string;
  hash: string;
}

/** What a hash covers: everything stored except the hashes themselves. */
export type HashedAuditEvent = RecordedAuditEvent & { seq: number };

export interface AuditFilter {
  actor?: string;
  artifactId?: string;
  action?: string;
  outcome?: AuditOutcome;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export interface AuditPage {
  events: StoredAuditEvent[];
  nextCursor: string | null;
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Events that verified. */
  checked: number;
  /** The last seq that verified (the one before the first checked when none did). */
  lastSeq: number;
  firstBreak?: ChainBreak;
}

/** Where closed segments go (an S3 bucket in production); put must overwrite or be idempotent. */
export interface SegmentSink {
  put(key: string, body: string): Promise<void>;
}

export interface ExportedSegment {
  fromSeq: number;
  toSeq: number;
  key: string;
}
