import type { RouteContract } from "@artifact-store/api";
import {
  ANONYMOUS,
  actorName,
  forbidden,
  hasScope,
  invalid,
  type Principal,
  rateLimited,
  requireIdentified,
  requireStorableText,
  unauthenticated,
} from "@artifact-store/core";
import type { Context } from "hono";
import * as v from "valibot";
import type { AppEnv, FunctionApp } from "./app";
import { noteTargetsInPath } from "./audit";
import type { RequestRuntime } from "./runtime-source";
import { sourceAddress } from "./source-address";

type Parsed<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined;

export interface RouteInput<R extends RouteContract> {
  params: Parsed<R["params"]>;
  query: Parsed<R["query"]>;
  body: Parsed<R["body"]>;
}

export interface RouteContext<T extends RequestRuntime = RequestRuntime> {
  c: Context<AppEnv<T>>;
  principal: Principal;
  /** The function's runtime, ready for the handler: services are built from it (`uploadsOf(runtime)`). */
  runtime: T;
}

export type RouteHandler<R extends RouteContract, T extends RequestRuntime = RequestRuntime> = (
  input: RouteInput<R>,
  context: RouteContext<T>,
) => Response | Promise<Response>;

const validationError = (where: string, issues: readonly v.BaseIssue<unknown>[]) => {
  const fields = issues.slice(0, 20).map((issue) => ({
    field: v.getDotPath(issue) ?? where,
    message: issue.message,
  }));
  const first = fields[0];
  const subject = first && first.field !== where ? `${where} field "${first.field}"` : where;
  return invalid(
    "invalid_request",
    first ? `${subject} is invalid: ${first.message}` : `${where} is invalid`,
    {
      location: where,
      fields,
    },
  );
};

export const parse = <S extends v.GenericSchema | undefined>(
  schema: S,
  value: unknown,
  where: string,
): Parsed<S> => {
  if (!schema) return undefined as Parsed<S>;
  // Every string a request carries may end up in the catalogue; refused here once, not by a
  // database error (a 500) wherever it happens to land.
  requireStorableText(value, where);
  const result = v.safeParse(schema, value);
  if (!result.success) throw validationError(where, result.issues);
  return result.output as Parsed<S>;
};

/** The parsed JSON body; undefined when there is none, for routes whose body is optional. */
const readJson = async (c: Context, schema: v.GenericSchema): Promise<unknown> => {
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

/** A JWT or API key from `Authorization: Bearer ...`, or an API key from `X-API-Key`. */
const credentialOf = (c: Context): string | undefined => {
  const apiKey = c.req.header("x-api-key");
  if (apiKey) return apiKey.trim();
  const header = c.req.header("authorization");
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1])
    throw unauthenticated("token_invalid", "The Authorization header must be 'Bearer <token>'.");
  return match[1];
};

/** A caller with credentials must present good ones, even on routes that also serve anonymous callers. */
const authenticate = async <T extends RequestRuntime>(
  c: Context<AppEnv<T>>,
  route: RouteContract,
): Promise<Principal> => {
  if (route.auth === "none") return ANONYMOUS;
  const credential = credentialOf(c);
  return credential ? c.get("runtime").authenticate(credential) : ANONYMOUS;
};

/** An anonymous caller is asked for credentials (401); an identified one without the scope is refused (403). */
const authorize = (principal: Principal, route: RouteContract): void => {
  if (route.auth === "required") requireIdentified(principal);
  if (!route.scope || hasScope(principal, route.scope)) return;
  requireIdentified(principal);
  throw forbidden("insufficient_scope", `This operation needs the "${route.scope}" scope.`);
};

/** Signing is what an abuser would hammer: counted per principal (per address when anonymous). */
const limitRate = async <T extends RequestRuntime>(
  c: Context<AppEnv<T>>,
  principal: Principal,
  weight = 1,
): Promise<void> => {
  const runtime = c.get("runtime");
  await runtime.ready();
  const who = principal.kind === "anonymous" ? `ip:${sourceAddress(c) ?? "unknown"}` : actorName(principal);
  const { admitted, retryAfterSeconds } = await runtime.rateLimits.hit(
    `signing:${who}`,
    { hits: runtime.config.signingRateLimitPerMinute, windowSeconds: 60 },
    new Date(),
    weight,
  );
  if (!admitted) throw rateLimited(retryAfterSeconds);
};

/**
 * Wires one route contract onto an app: authenticate, check the scope and rate limit, validate
 * params, query and body against the contract's schemas, ready the runtime as the app's source
 * asks, then call the handler. The same schemas produce the OpenAPI document.
 */
export const mount = <R extends RouteContract, T extends RequestRuntime>(
  app: FunctionApp<T>,
  route: R,
  handler: RouteHandler<R, T>,
): void => {
  app.on(route.method.toUpperCase(), route.path, async (c) => {
    c.set("operation", route.operationId);
    c.set("audited", route.auth !== "none");
    noteTargetsInPath(c);
    const principal = await authenticate(c, route);
    c.set("principal", principal);
    authorize(principal, route);
    if (route.rateLimited && !route.rateWeight) await limitRate(c, principal);
    const input = {
      params: parse(route.params, c.req.param(), "path"),
      query: parse(route.query, c.req.query(), "query"),
      body: route.body ? parse(route.body, await readJson(c, route.body), "body") : undefined,
    } as RouteInput<R>;
    if (route.rateLimited && route.rateWeight)
      await limitRate(c, principal, route.rateWeight(input.body as never));
    const runtime = c.get("runtime");
    await app.runtimeSource?.ready?.(runtime);
    return handler(input, { c, principal, runtime });
  });
};
