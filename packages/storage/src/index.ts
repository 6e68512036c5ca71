export {
  createPushTopic,
  deletePushTopic,
  notifyTopic,
  OBJECT_CREATED_EVENTS,
} from "./bucket-notifications";
export type { StorageConfig } from "./client";
export { createS3Client } from "./client";
export { NodeSha256 } from "./node-sha256";
export {
  type ChecksumAlgorithm,
  type DownloadOptions,
  type KeyPage,
  type ListedObject,
  ObjectStorage,
  type ObjectStream,
  type PresignUploadOptions,
  type SignedUpload,
  type StoredObject,
  type StoredPart,
  type UploadChecksum,
} from "./object-storage";
