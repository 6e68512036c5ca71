import { ANONYMOUS, actorName, type Principal } from "@artifact-store/core";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { Hono } from "hono/tiny";
import { type AuditedItem, type AuditTargets, recordAudit } from "./audit";
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from "./cors";
import { toHttpError } from "./errors";
import { log } from "./log";
import type { RequestRuntime, RuntimeSource } from "./runtime-source";

export type AppEnv<R extends RequestRuntime = RequestRuntime> = {
  Variables: {
    requestId: string;
    /** The function's runtime (from the app's source, set by its middleware); handlers build services from it. */
    runtime: R;
    principal: Principal;
    operation: string;
    errorCode: string;
    /** Whether this request appends to the audit trail (every route but health and the document). */
    audited: boolean;
    auditTargets: AuditTargets;
    /** A batch's items: each is audited as its own event, in place of the request's one. */
    auditItems: AuditedItem[];
  };
};

export type FunctionApp<R extends RequestRuntime = RequestRuntime> = Hono<AppEnv<R>> & {
  /** Where the handlers' runtime comes from, for `mount` and `httpOrScheduled`; none for the document. */
  runtimeSource?: RuntimeSource<R>;
};

/** JSON bodies here are small declarations; the bytes themselves never come through a function. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * A completion may carry the uploader's parts list: up to 10,000 parts at 70-90 bytes each in
 * JSON or S3's XML, which 64 KiB would cut off at about 750.
 */
export const MAX_COMPLETION_BODY_BYTES = 1024 * 1024;

export interface FunctionAppOptions {
  /** Larger than MAX_JSON_BODY_BYTES only where a route's declarations can be (completions). */
  maxBodyBytes?: number;
}

/**
 * The Hono app every function starts from: request ids, CORS, body limits, errors as JSON, one
 * access log line and audit event per request, and the runtime from `source` as `c.var.runtime`.
 */
export const createFunctionApp = <R extends RequestRuntime = never>(
  source?: RuntimeSource<R>,
  { maxBodyBytes = MAX_JSON_BODY_BYTES }: FunctionAppOptions = {},
): FunctionApp<R> => {
  const app: FunctionApp<R> = new Hono<AppEnv<R>>();
  app.runtimeSource = source;
  // Browser origins that may call the API: comma-separated API_CORS_ORIGINS, none when unset.
  // Read once, as the function loads (its cold start), not on every request.
  const allowedOrigins = (process.env.API_CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  // X-Request-Id (Hono's default header): the caller's when it is a plain id, else a fresh UUID.
  app.use(requestId());
  app.use(
    cors({
      origin: (origin) =>
        allowedOrigins.some((allowed) => allowed === "*" || allowed === origin) ? origin : null,
      allowHeaders: CORS_ALLOW_HEADERS,
      exposeHeaders: CORS_EXPOSE_HEADERS,
      maxAge: CORS_MAX_AGE_SECONDS,
    }),
  );
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    await recordAudit(c);
    log(c.res.status >= 500 ? "error" : "info", "access", {
      requestId: c.get("requestId"),
      operation: c.get("operation") ?? "unknown",
      method: c.req.method,
      path: c.req.path,
      actor: actorName(c.get("principal") ?? ANONYMOUS),
      decision: c.res.status < 400 ? "allowed" : "denied",
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });
  if (source) {
    app.use(async (c, next) => {
      c.set("runtime", await source.runtime());
      await next();
    });
  }
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        c.json(
          {
            error: {
              code: "body_too_large",
              message: `Request bodies are limited to ${maxBodyBytes} bytes.`,
              requestId: c.get("requestId"),
            },
          },
          413,
        ),
    }),
  );
  app.onError((error, c) => {
    const mapped = toHttpError(error, c.get("requestId"));
    if (mapped.internal) {
      log("error", "request_failed", {
        requestId: c.get("requestId"),
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    c.set("errorCode", mapped.body.error.code);
    if (mapped.status === 401) c.header("WWW-Authenticate", 'Bearer realm="artifact-store"');
    const retryAfter = mapped.body.error.details?.retryAfterSeconds;
    if (typeof retryAfter === "number") c.header("Retry-After", String(retryAfter));
    return c.json(mapped.body, mapped.status as 400);
  });
  app.notFound((c) =>
    c.json(
      {
        error: {
          code: "route_not_found",
          message: `No route ${c.req.method} ${c.req.path}.`,
          requestId: c.get("requestId"),
        },
      },
      404,
    ),
  );
  return app;
};
