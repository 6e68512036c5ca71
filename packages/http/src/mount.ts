import type { RouteContract } from "@artifact-store/api";
import { ANONYMOUS, invalid, type Principal, unauthenticated } from "@artifact-store/core";
import { sharedCatalogRuntime } from "@artifact-store/runtime/catalog";
import type { Context } from "hono";
import * as v from "valibot";
import type { AppEnv, FunctionApp } from "./app";

type Parsed<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined;

export interface RouteInput<R extends RouteContract> {
  params: Parsed<R["params"]>;
  query: Parsed<R["query"]>;
  body: Parsed<R["body"]>;
}

export interface RouteContext {
  c: Context<AppEnv>;
  principal: Principal;
  requestId: string;
}

export type RouteHandler<R extends RouteContract> = (
  input: RouteInput<R>,
  context: RouteContext,
) => Response | Promise<Response>;

const validationError = (where: string, issues: readonly v.BaseIssue<unknown>[]) => {
  const fields = issues.slice(0, 20).map((issue) => ({
    field: v.getDotPath(issue) ?? where,
    message: issue.message,
  }));
  const first = fields[0];
  return invalid(
    "invalid_request",
    first
      ? `${where} ${first.field === where ? "" : `field "${first.field}" `}is invalid: ${first.message}`
      : `${where} is invalid`,
    { location: where, fields },
  );
};

const parse = <S extends v.GenericSchema | undefined>(
  schema: S,
  value: unknown,
  where: string,
): Parsed<S> => {
  if (!schema) return undefined as Parsed<S>;
  const result = v.safeParse(schema, value);
  if (!result.success) throw validationError(where, result.issues);
  return result.output as Parsed<S>;
};

/** The parsed JSON body; undefined when there is none, for routes whose body is optional. */
const readJson = async (c: Context<AppEnv>, schema: v.GenericSchema): Promise<unknown> => {
  const text = await c.req.text();
  if (text.trim() === "") {
    if (v.is(schema, undefined)) return undefined;
    throw invalid("invalid_json", "The request needs a JSON body.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalid("invalid_json", "The request body is not valid JSON.");
  }
};

const bearerOf = (c: Context<AppEnv>): string | undefined => {
  const header = c.req.header("authorization");
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1])
    throw unauthenticated("token_invalid", "The Authorization header must be 'Bearer <token>'.");
  return match[1];
};

/** A caller with a token must present a good one, even on routes that also serve anonymous callers. */
const authenticate = async (c: Context<AppEnv>, route: RouteContract): Promise<Principal> => {
  if (route.auth === "none") return ANONYMOUS;
  const token = bearerOf(c);
  if (!token) {
    if (route.auth === "optional") return ANONYMOUS;
    throw unauthenticated("authentication_required", "This operation needs a bearer token.");
  }
  const runtime = await sharedCatalogRuntime();
  return runtime.verifyToken(token);
};

/**
 * Wires one route contract onto an app: authenticate, validate params, query and body against the
 * contract's schemas, then call the handler. The same schemas produce the OpenAPI document.
 */
export const mount = <R extends RouteContract>(
  app: FunctionApp,
  route: R,
  handler: RouteHandler<R>,
): void => {
  app.on(route.method.toUpperCase(), route.path, async (c) => {
    c.set("operation", route.operationId);
    const principal = await authenticate(c, route);
    c.set("principal", principal);
    const input = {
      params: parse(route.params, c.req.param(), "path"),
      query: parse(route.query, c.req.query(), "query"),
      body: route.body ? parse(route.body, await readJson(c, route.body), "body") : undefined,
    } as RouteInput<R>;
    return handler(input, { c, principal, requestId: c.get("requestId") });
  });
};
