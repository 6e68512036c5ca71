export { ArtifactStoreClient, type ClientOptions, type SearchOptions } from "./client";
export {
  ArtifactStoreError,
  PartRejectedError,
  SourceChangedError,
  StalledRequestError,
  UploadInterruptedError,
} from "./errors";
export type { TokenProvider } from "./http";
export type { RetryPolicy } from "./retry";
export { createSha256, sha256Of } from "./sha256";
export type { UploadSource } from "./sources";
export type { UploadOptions, UploadProgress } from "./upload";
