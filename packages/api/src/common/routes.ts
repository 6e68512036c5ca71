import type { Scope } from "@artifact-store/core";
import type { GenericSchema } from "valibot";
import { ErrorBody } from "./schemas";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** Who may call: "required" needs credentials; "optional" serves anonymous callers too. */
export type AuthPolicy = "required" | "optional" | "none";

export interface ResponseContract {
  description: string;
  schema?: GenericSchema;
}

export interface RouteContract {
  operationId: string;
  method: HttpMethod;
  /** Hono path syntax (`/v1/uploads/:uploadId`). */
  path: string;
  summary: string;
  tag: string;
  auth: AuthPolicy;
  /** The scope a caller needs (users hold read, upload and write; admins also admin). */
  scope?: Scope;
  /** Signing endpoints are rate limited per principal. */
  rateLimited?: boolean;
  /**
   * How many hits one call counts for, from its validated body (a batch counts each item, so a
   * batch is no way around the limit). Such a route is counted after its body is checked.
   */
  rateWeight?: (body: never) => number;
  /** Honours `If-Match: "<version>"` (412 when the artifact has moved on; `*` or none: no check). */
  ifMatch?: boolean;
  params?: GenericSchema;
  query?: GenericSchema;
  body?: GenericSchema;
  responses: Record<number, ResponseContract>;
}

// Marked free of side effects, so a bundle keeps only the routes (and schemas) it uses; an object
// spread in a route would defeat that (a bundler must assume it may run a getter).
/* @__NO_SIDE_EFFECTS__ */
export function defineRoute<const T extends RouteContract>(route: T): T {
  return route;
}

/* @__NO_SIDE_EFFECTS__ */
export function error(description: string) {
  return { description, schema: ErrorBody };
}
export const errors = {
  400: error("Invalid input"),
  401: error("Missing or invalid credentials"),
  403: error("The credentials lack the scope, or the caller may read but not change this"),
  404: error("Not found, or not visible to the caller"),
} as const;
export const limited = { 429: error("Too many signing requests; see Retry-After") } as const;

/** A route's own responses and the shared ones it can give (no object spread: see defineRoute). */
/* @__NO_SIDE_EFFECTS__ */
export function withShared(
  own: Record<number, ResponseContract>,
  ...shared: Record<number, ResponseContract>[]
): Record<number, ResponseContract> {
  return Object.assign({}, ...shared, own);
}
