/** An error answer of the artifact store's API, with the code and request id it sent. */
export class ArtifactStoreError extends Error {
  override name = "ArtifactStoreError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
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
