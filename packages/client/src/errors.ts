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
