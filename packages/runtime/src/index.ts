export { type Config, ConfigError, loadConfig } from "./config";
export { createRuntime, type Runtime, readyRuntime, sharedRuntime, useRuntime } from "./runtime";
