export { ArtifactStoreDatasetClient } from "./dataset";
export { ArtifactStoreKeyValueStoreClient } from "./key-value-store";
export { CRAWLEE_TAG, DEFAULT_STORE, keyTag, SUPERSEDED_TAG, storeTag } from "./naming";
export {
  type CrawlProvenance,
  currentProvenance,
  provenanceOf,
  runWithProvenance,
  withRequestProvenance,
} from "./provenance";
export { ArtifactStoreStorageClient, type ArtifactStoreStorageClientOptions } from "./storage-client";
