export {
  type AppEnv,
  createFunctionApp,
  type FunctionApp,
  type FunctionAppOptions,
  MAX_COMPLETION_BODY_BYTES,
  MAX_JSON_BODY_BYTES,
} from "./app";
export { type AuditTargets, noteAuditTargets } from "./audit";
export { type BatchItemDone, type BatchResult, settleEach } from "./batch";
export { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from "./cors";
export { STATUS_OF, toHttpError } from "./errors";
export { log } from "./log";
export { mount, type RouteContext, type RouteHandler, type RouteInput } from "./mount";
export { ifMatchVersions, versionTag } from "./preconditions";
export type { RequestRuntime, RuntimeSource } from "./runtime-source";
export { httpOrScheduled } from "./scheduled";
export { storageEventsCaller } from "./storage-events-token";
