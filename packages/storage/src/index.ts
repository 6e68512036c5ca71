export type { StorageConfig } from "./client";
export { createS3Client } from "./client";
export {
  type DownloadOptions,
  type KeyPage,
  ObjectStorage,
  type StoredObject,
  type StoredPart,
} from "./object-storage";
