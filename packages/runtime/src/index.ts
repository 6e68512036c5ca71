export { type Config, ConfigError, loadConfig, loadStorageConfig } from "./config";
export { createRuntime, type Runtime, readyRuntime, sharedRuntime, useRuntime } from "./runtime";
