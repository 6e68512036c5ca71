export type { UploadManyItem, UploadManyOptions, UploadManyResult } from "./batch-upload";
export { type BlobDigestRequest, type BlobDigests, digestBlob } from "./blob-digests";
export { ArtifactStoreClient, type ClientOptions, type SearchOptions } from "./client";
export type * from "./contract";
export { API_ERROR_CODES, type ApiErrorCode } from "./error-codes";
export {
  ArtifactCorruptError,
  ArtifactStoreError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PartRejectedError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  SourceChangedError,
  StalledRequestError,
  UploadInterruptedError,
  VerificationTimeoutError,
} from "./errors";
export type { TokenProvider } from "./http";
export { backoffDelay, isRetryableStatus, type RetryPolicy } from "./retry";
export { createSha256, sha256Of } from "./sha256";
export type { UploadSource } from "./sources";
export type { UploadOptions, UploadProgress, UploadTiming, WaitOptions } from "./upload";
