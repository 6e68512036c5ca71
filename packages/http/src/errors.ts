import type { ErrorBody } from "@artifact-store/api";
import { type DomainError, type ErrorKind, isDomainError } from "@artifact-store/core";

export const STATUS_OF: Record<ErrorKind, 400 | 401 | 403 | 404 | 409 | 410 | 412 | 413 | 429 | 503> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  gone: 410,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

export interface HttpError {
  status: number;
  body: ErrorBody;
  /** Whether the failure is the caller's (logged as a decision) or ours (logged with its stack). */
  internal: boolean;
}

export const toHttpError = (error: unknown, requestId: string): HttpError => {
  if (isDomainError(error)) {
    const known: DomainError = error;
    return {
      status: STATUS_OF[known.kind],
      body: {
        error: {
          code: known.code,
          message: known.message,
          requestId,
          ...(known.details ? { details: known.details } : {}),
        },
      },
      internal: known.kind === "unavailable",
    };
  }
  return {
    status: 500,
    body: { error: { code: "internal_error", message: "Something went wrong on our side.", requestId } },
    internal: true,
  };
};
