export { type PartChecksum, StoreApiError, type StoreConnection, type TokenProvider } from "./store-api";
export {
  type ArtifactStoreOptions,
  PLAN_META,
  type StorePlan,
  type UppyFileLike,
  type UppyLike,
} from "./store-uploads";
export { artifactStoreS3v5 } from "./uppy5";
export { artifactStoreS3, type S3RequestToSign } from "./uppy6";
