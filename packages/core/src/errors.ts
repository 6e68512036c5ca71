import type { ErrorCode, ErrorCodeOf } from "./error-codes";

/**
 * Every failure a caller can see is one of these kinds; the HTTP layer maps a kind to a status
 * once, so domain code never speaks HTTP.
 */
export type ErrorKind =
  | "invalid"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "gone"
  | "too_large"
  | "rate_limited"
  | "unavailable";

/** A failure the caller can see; its code is one of ERROR_CODES, of the kind the registry gives it. */
export class DomainError<K extends ErrorKind = ErrorKind> extends Error {
  readonly kind: K;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: K, code: ErrorCodeOf<K>, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DomainError";
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

export const invalid = (code: ErrorCodeOf<"invalid">, message: string, details?: Record<string, unknown>) =>
  new DomainError("invalid", code, message, details);

/** What `notFound` can name: each `<what>_not_found` code. */
export type NotFoundSubject =
  ErrorCodeOf<"not_found"> extends infer C ? (C extends `${infer W}_not_found` ? W : never) : never;

export const notFound = (what: NotFoundSubject, id: string) =>
  new DomainError(
    "not_found",
    `${what}_not_found` as ErrorCodeOf<"not_found">,
    `No ${what} ${id} exists or you may not see it.`,
  );

export const conflict = (code: ErrorCodeOf<"conflict">, message: string, details?: Record<string, unknown>) =>
  new DomainError("conflict", code, message, details);

/** The caller's If-Match names a version the artifact no longer has. */
export const preconditionFailed = (
  code: ErrorCodeOf<"precondition_failed">,
  message: string,
  details?: Record<string, unknown>,
) => new DomainError("precondition_failed", code, message, details);

export const gone = (code: ErrorCodeOf<"gone">, message: string) => new DomainError("gone", code, message);

export const unauthenticated = (code: ErrorCodeOf<"unauthenticated">, message: string) =>
  new DomainError("unauthenticated", code, message);

export const unavailable = (code: ErrorCodeOf<"unavailable">, message: string) =>
  new DomainError("unavailable", code, message);

export const forbidden = (code: ErrorCodeOf<"forbidden">, message: string) =>
  new DomainError("forbidden", code, message);

export const rateLimited = (retryAfterSeconds: number) =>
  new DomainError("rate_limited", "rate_limited", `Too many requests; retry in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

/** What a failure says, for reports and logs: its message, or the thrown value as text. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
