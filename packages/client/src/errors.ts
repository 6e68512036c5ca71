import type { ArtifactView } from "./contract";
import type { ApiErrorCode } from "./error-codes";

/**
 * An error answer of the artifact store's API, with the code and request id it sent. The subclass
 * says what kind of failure it is (NotFoundError, ConflictError, ...); `code` says exactly which.
 */
export class ArtifactStoreError extends Error {
  override name = "ArtifactStoreError";
  /** One of API_ERROR_CODES (an API newer than this SDK may send one it does not list yet). */
  readonly code: ApiErrorCode;
  constructor(
    readonly status: number,
    code: ApiErrorCode | (string & {}),
    message: string,
    readonly requestId: string | undefined,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.code = code as ApiErrorCode;
  }
}

/** 400 or 413: the request is malformed, or too large (`details.fields` names what is wrong). */
export class BadRequestError extends ArtifactStoreError {
  override name = "BadRequestError";
}

/** 401: no credentials, or ones the API does not accept (expired, revoked, wrong key). */
export class AuthenticationError extends ArtifactStoreError {
  override name = "AuthenticationError";
}

/** 403: the caller is known but may not do this (a scope, an owner-only change). */
export class PermissionDeniedError extends ArtifactStoreError {
  override name = "PermissionDeniedError";
}

/** 404: no such artifact, upload, grant, key or webhook, or the caller may not see it. */
export class NotFoundError extends ArtifactStoreError {
  override name = "NotFoundError";
}

/**
 * 409, 410 or 412: the request clashes with the state of what it names (an artifact not verified
 * yet, a legal hold, an upload already completed or expired, a version changed since it was read).
 */
export class ConflictError extends ArtifactStoreError {
  override name = "ConflictError";
}

/** 429: too many signing requests; `retryAfterSeconds` says when the next one will pass. */
export class RateLimitError extends ArtifactStoreError {
  override name = "RateLimitError";
  get retryAfterSeconds(): number | undefined {
    const value = this.details?.retryAfterSeconds;
    return typeof value === "number" ? value : undefined;
  }
}

/** 5xx: the API, or storage or the catalogue behind it, failed; safe calls were already retried. */
export class ServerError extends ArtifactStoreError {
  override name = "ServerError";
}

/** The error class for an answer's status. */
export const apiError = (
  status: number,
  code: string,
  message: string,
  requestId: string | undefined,
  details?: Record<string, unknown>,
): ArtifactStoreError => {
  const Kind =
    status === 400 || status === 413
      ? BadRequestError
      : status === 401
        ? AuthenticationError
        : status === 403
          ? PermissionDeniedError
          : status === 404
            ? NotFoundError
            : status === 409 || status === 410 || status === 412
              ? ConflictError
              : status === 429
                ? RateLimitError
                : status >= 500
                  ? ServerError
                  : ArtifactStoreError;
  return new Kind(status, code, message, requestId, details);
};

/** Verification found the stored bytes are not what was uploaded; `reason` says how (sha256_mismatch, ...). */
export class ArtifactCorruptError extends Error {
  override name = "ArtifactCorruptError";
  readonly code = "artifact_corrupt";
  constructor(readonly artifact: ArtifactView) {
    const reason = artifact.integrity?.reason;
    super(`Artifact ${artifact.id} is corrupt${reason ? ` (${reason})` : ""}: upload it again.`);
  }
  get reason(): string | null {
    return this.artifact.integrity?.reason ?? null;
  }
}

/**
 * The artifact was not verified within the wait; it may still be (large artifacts are verified by
 * a scheduled run): wait again with `waitUntilVerified(artifact.id)`.
 */
export class VerificationTimeoutError extends Error {
  override name = "VerificationTimeoutError";
  readonly code = "verification_timeout";
  constructor(
    /** The artifact as last seen, still `uploaded`. */
    readonly artifact: ArtifactView,
    readonly timeoutMs: number,
  ) {
    super(`Artifact ${artifact.id} was not verified within ${timeoutMs} ms; it is ${artifact.state}.`);
  }
}

/** An upload stopped before completion; pass its uploadId back to `upload` to resume it. */
export class UploadInterruptedError extends Error {
  override name = "UploadInterruptedError";
  constructor(
    readonly uploadId: string,
    override readonly cause: unknown,
  ) {
    super(`Upload ${uploadId} was interrupted: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Storage refused a part PUT in a way a retry will not fix. */
export class PartRejectedError extends Error {
  override name = "PartRejectedError";
  constructor(
    readonly partNumber: number,
    readonly status: number,
    readonly responseText: string,
  ) {
    super(`Storage refused part ${partNumber} with HTTP ${status}: ${responseText.slice(0, 300)}`);
  }
}

/**
 * A part read again after storage refused it (its bytes did not match their checksum) differs
 * from the bytes first hashed: the source changed while it was being uploaded.
 */
export class SourceChangedError extends Error {
  override name = "SourceChangedError";
  constructor(readonly partNumber: number) {
    super(`Part ${partNumber} of the source changed while it was being uploaded; start the upload again.`);
  }
}

/**
 * Nothing moved for `stallTimeoutMs`: no byte of the request sent, no answer, no byte of it
 * received. Thrown (as the cause of an UploadInterruptedError for parts) once retries ran out;
 * the far end is hung or stopped rather than refusing.
 */
export class StalledRequestError extends Error {
  override name = "StalledRequestError";
  readonly code = "request_stalled";
  constructor(
    /** What stalled, e.g. "PUT part 3" or "GET /v1/artifacts/…", never a signed URL. */
    readonly request: string,
    readonly stallTimeoutMs: number,
  ) {
    super(`${request} stalled: nothing sent or received for ${stallTimeoutMs} ms.`);
  }
}
