export { type Config, ConfigError, loadConfig, loadStorageConfig } from "./config";
export { createRuntime, type Runtime, useRuntime } from "./runtime";
