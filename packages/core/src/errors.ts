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

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DomainError";
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError("invalid", code, message, details);

export const notFound = (what: "artifact" | "upload", id: string) =>
  new DomainError("not_found", `${what}_not_found`, `No ${what} ${id} exists or you may not see it.`);

export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError("conflict", code, message, details);

/** The caller's If-Match names a version the artifact no longer has. */
export const preconditionFailed = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError("precondition_failed", code, message, details);

export const gone = (code: string, message: string) => new DomainError("gone", code, message);

export const unauthenticated = (code: string, message: string) =>
  new DomainError("unauthenticated", code, message);

export const unavailable = (code: string, message: string) => new DomainError("unavailable", code, message);

export const forbidden = (code: string, message: string) => new DomainError("forbidden", code, message);

export const rateLimited = (retryAfterSeconds: number) =>
  new DomainError("rate_limited", "rate_limited", `Too many requests; retry in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;

/** What a failure says, for reports and logs: its message, or the thrown value as text. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
