export {
  createPushTopic,
  deletePushTopic,
  notifyTopic,
  OBJECT_CREATED_EVENTS,
} from "./bucket-notifications";
export { PROBE_PREFIX, type StorageCapabilities } from "./capabilities";
export type { BucketPolicy, StorageConfig } from "./client";
export { createS3Client } from "./client";
export { NodeSha256 } from "./node-sha256";
export {
  type ChecksumAlgorithm,
  type DownloadOptions,
  type KeyPage,
  type ListedObject,
  type ObjectHeaders,
  ObjectStorage,
  type ObjectStream,
  type PartToPresign,
  type PresignUploadOptions,
  type SignedUpload,
  type StoredObject,
  type StoredPart,
  type UploadChecksum,
} from "./object-storage";
export type { StorageWarning } from "./warnings";
