export { type AppEnv, createFunctionApp, type FunctionApp, MAX_JSON_BODY_BYTES } from "./app";
export { type AuditTargets, noteAuditTargets } from "./audit";
export { type BatchItemDone, type BatchResult, settleEach } from "./batch";
export { STATUS_OF, toHttpError } from "./errors";
export { log } from "./log";
export { mount, type RouteContext, type RouteHandler, type RouteInput } from "./mount";
export { ifMatchVersions, versionTag } from "./preconditions";
export { httpOrScheduled } from "./scheduled";
export { storageEventsCaller } from "./storage-events-token";
