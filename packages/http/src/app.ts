import { ANONYMOUS, actorName, type Principal } from "@artifact-store/core";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { Hono } from "hono/tiny";
import { type AuditedItem, type AuditTargets, recordAudit } from "./audit";
import { toHttpError } from "./errors";
import { log } from "./log";

export type AppEnv = {
  Variables: {
    requestId: string;
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

export type FunctionApp = Hono<AppEnv>;

/** JSON bodies here are small declarations; the bytes themselves never come through a function. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** Browser origins that may call the API (comma-separated API_CORS_ORIGINS; none when unset). */
const allowedOrigins = (): string[] =>
  (process.env.API_CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");

/** The Hono app every function starts from: request ids, body limits, errors as JSON, one access log line. */
export const createFunctionApp = (): FunctionApp => {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: "X-Request-Id" }));
  app.use(
    cors({
      origin: (origin) =>
        allowedOrigins().some((allowed) => allowed === "*" || allowed === origin) ? origin : null,
      allowHeaders: ["Authorization", "Content-Type", "If-Match", "X-API-Key", "X-Request-Id"],
      exposeHeaders: ["X-Request-Id", "Location", "Retry-After", "ETag"],
      maxAge: 600,
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
  app.use(
    bodyLimit({
      maxSize: MAX_JSON_BODY_BYTES,
      onError: (c) =>
        c.json(
          {
            error: {
              code: "body_too_large",
              message: `Request bodies are limited to ${MAX_JSON_BODY_BYTES} bytes.`,
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
