import { DomainError, type ErrorCodeOf } from "@artifact-store/core";
import type { AuditEvent, AuditOutcome, RecordedAuditEvent } from "./types";

/**
 * A caller's mistake (bad event, filter, cursor or option): nothing was read or written. An
 * `invalid` domain error, so the API answers it with a 400 and its code like any other.
 */
export class AuditError extends DomainError<"invalid"> {
  constructor(code: ErrorCodeOf<"invalid">, message: string) {
    super("invalid", code, message);
    this.name = "AuditError";
  }
}

export const OUTCOMES: readonly AuditOutcome[] = ["allowed", "denied", "failed"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// In u-mode a well-formed surrogate pair is one code point, so this matches lone halves only.
const LONE_SURROGATE = /\p{Cs}/gu;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const invalidEvent = (message: string) => new AuditError("invalid_event", message);

/**
 * Text must come back from PostgreSQL exactly as it was hashed, and PostgreSQL cannot store NUL or
 * a lone surrogate. Both become U+FFFD rather than an error, so hostile input (a %00 in a path, a
 * header cut inside an emoji) cannot keep an event out of the trail.
 */
const text = (field: string, value: unknown, required: boolean): string => {
  if (typeof value !== "string") throw invalidEvent(`${field} must be a string.`);
  if (required && value.length === 0) throw invalidEvent(`${field} must not be empty.`);
  return value.replaceAll("\u0000", "\uFFFD").replace(LONE_SURROGATE, "\uFFFD");
};

const optionalText = (field: string, value: unknown): string | null =>
  value === undefined || value === null ? null : text(field, value, false);

/** Lower case, because PostgreSQL hands uuids back in lower case and the hash must match. */
export const uuid = (field: string, value: string, error = invalidEvent): string => {
  if (!UUID.test(value)) throw error(`${field} must be a UUID (8-4-4-4-12 hex digits), got "${value}".`);
  return value.toLowerCase();
};

const optionalUuid = (field: string, value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw invalidEvent(`${field} must be a string.`);
  return uuid(field, value);
};

/** Years 1 to 9999: what toISOString and PostgreSQL both write as YYYY-MM-DD. */
export const isStorableDate = (value: unknown): value is Date =>
  value instanceof Date &&
  !Number.isNaN(value.getTime()) &&
  value.getUTCFullYear() >= 1 &&
  value.getUTCFullYear() <= 9999;

/** Checks an event and fills absent fields with null: exactly what will be hashed and stored. */
export const recordedEvent = (event: AuditEvent): RecordedAuditEvent => {
  if (!isStorableDate(event.at)) throw invalidEvent("at must be a valid Date between years 1 and 9999.");
  if (!OUTCOMES.includes(event.outcome))
    throw invalidEvent(`outcome must be one of ${OUTCOMES.join(", ")}, got "${String(event.outcome)}".`);
  if (!Number.isInteger(event.status) || event.status < INT32_MIN || event.status > INT32_MAX)
    throw invalidEvent(`status must be a 32-bit integer, got ${String(event.status)}.`);
  return {
    at: new Date(event.at.getTime()),
    actor: text("actor", event.actor, true),
    action: text("action", event.action, true),
    artifactId: optionalUuid("artifactId", event.artifactId),
    uploadId: optionalUuid("uploadId", event.uploadId),
    target: optionalText("target", event.target),
    outcome: event.outcome,
    status: event.status,
    reason: optionalText("reason", event.reason),
    requestId: text("requestId", event.requestId, true),
    sourceIp: optionalText("sourceIp", event.sourceIp),
    userAgent: optionalText("userAgent", event.userAgent),
  };
};

/** A whole number in [min, max], or an AuditError naming the option. */
export const integerOption = (name: string, value: number, min: number, max: number): number => {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new AuditError(
      "invalid_option",
      `${name} must be a whole number from ${min} to ${max}, got ${value}.`,
    );
  return value;
};
