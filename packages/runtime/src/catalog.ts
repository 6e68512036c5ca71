// The storage-free entry point: what functions that never talk to S3 import.
export {
  type CatalogRuntime,
  createCatalogRuntime,
  readyCatalogRuntime,
  sharedCatalogRuntime,
  useCatalogRuntime,
} from "./catalog-runtime";
export { integrityOf, searchOf } from "./catalog-services";
export { type Config, ConfigError, loadConfig } from "./config";
