// The storage-free entry point: the runtime, its settings and the services that need only the
// catalogue. Services that talk to S3 are in ./storage, webhooks in ./webhooks (see service.ts).
export { integrityOf, searchOf } from "./catalog-services";
export { type Config, ConfigError, loadConfig, loadStorageConfig } from "./config";
export {
  catalogRuntime,
  createRuntime,
  type Runtime,
  sharedRuntime,
  unreadiedRuntime,
  useRuntime,
} from "./runtime";
export { service } from "./service";
