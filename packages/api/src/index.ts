export type { AuthPolicy, HttpMethod, ResponseContract, RouteContract } from "./routes";
export * as routes from "./routes";
export { ROUTES } from "./routes";
export * from "./schemas";
export * from "./views";
