// The contracts, one folder per domain (as the routes are tagged): its schemas (validation, types
// and the OpenAPI document), its routes, and its views (domain records into response shapes).
export * from "./api-keys/schemas";
export * from "./api-keys/views";
export * from "./artifacts/schemas";
export * from "./artifacts/views";
export * from "./audit/schemas";
export type { AuthPolicy, HttpMethod, ResponseContract, RouteContract } from "./common/routes";
export { ErrorBody, Id, Visibility } from "./common/schemas";
export * from "./identity/schemas";
export * from "./identity/views";
export * from "./operations/schemas";
export * from "./operations/views";
export * as routes from "./routes";
export { ROUTES } from "./routes";
export * from "./search/schemas";
export * from "./search/views";
export * from "./sharing/schemas";
export * from "./sharing/views";
export * from "./storage-events/schemas";
export * from "./uploads/schemas";
export * from "./uploads/views";
export * from "./uppy/schemas";
export * from "./uppy/views";
export * from "./webhooks/schemas";
export * from "./webhooks/views";
