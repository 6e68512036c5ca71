import type { ErrorBody } from "@artifact-store/api";
import { type DomainError, type ErrorCode, isDomainError, STATUS_OF_KIND } from "@artifact-store/core";

/** The status of each kind, from core's error-code registry (which the OpenAPI document publishes). */
export const STATUS_OF = STATUS_OF_KIND;

const INTERNAL_ERROR: ErrorCode = "internal_error";

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
    status: STATUS_OF.internal,
    body: { error: { code: INTERNAL_ERROR, message: "Something went wrong on our side.", requestId } },
    internal: true,
  };
};
