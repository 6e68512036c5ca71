import type { RouteContract } from "@artifact-store/api";
import {
  conflict,
  DomainError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorKind,
  rateLimited,
} from "@artifact-store/core";
import { afterEach, describe, expect, it } from "vitest";
import { createFunctionApp, MAX_JSON_BODY_BYTES } from "./app";
import { noteAuditTargets } from "./audit";
import { CORS_ALLOW_HEADERS } from "./cors";
import { STATUS_OF, toHttpError } from "./errors";
import { fakeRuntime } from "./fake-runtime";
import { mount } from "./mount";
import { httpOrScheduled } from "./scheduled";

process.env.LOG_LEVEL ??= "silent";

const contract = (overrides: Partial<RouteContract> = {}): RouteContract => ({
  operationId: "touchArtifact",
  method: "post",
  path: "/v1/artifacts/:artifactId",
  summary: "",
  tag: "test",
  auth: "required",
  responses: {},
  ...overrides,
});

const ID = "0190b6d2-6a2e-7c1a-9f3e-2b6c1d4e5f60";

describe("error mapping", () => {
  it("gives every error kind its status, once", () => {
    const kinds = Object.keys(STATUS_OF) as ErrorKind[];
    for (const kind of kinds) {
      // A registered code of that kind.
      const code = (Object.keys(ERROR_CODES) as ErrorCode[]).find((name) => ERROR_CODES[name].kind === kind);
      const mapped = toHttpError(new DomainError(kind, code as never, "m"), "r1");
      expect(mapped.status).toBe(STATUS_OF[kind]);
      expect(mapped.body).toEqual({ error: { code, message: "m", requestId: "r1" } });
      // Only a dependency that is down is ours to log with a stack; the rest are the caller's.
      expect(mapped.internal).toBe(kind === "unavailable");
    }
  });

  it("keeps a domain error's details and hides anything else behind internal_error", () => {
    expect(
      toHttpError(conflict("artifact_corrupt", "m", { currentVersion: 3 }), "r").body.error.details,
    ).toEqual({
      currentVersion: 3,
    });
    expect(toHttpError(new TypeError("secret detail"), "r")).toEqual({
      status: 500,
      body: {
        error: { code: "internal_error", message: "Something went wrong on our side.", requestId: "r" },
      },
      internal: true,
    });
  });

  it("answers JSON with the request id, Retry-After when the error says when", async () => {
    const app = createFunctionApp();
    app.get("/limited", () => {
      throw rateLimited(7);
    });
    const response = await app.request("/limited", { headers: { "x-request-id": "req-1" } });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(response.headers.get("x-request-id")).toBe("req-1");
    expect(await response.json()).toMatchObject({ error: { code: "rate_limited", requestId: "req-1" } });
  });

  it("names an unknown route, and refuses a body over the limit before parsing it", async () => {
    const app = createFunctionApp();
    app.post("/echo", async (c) => c.json(await c.req.json()));
    const missing = await app.request("/nowhere", { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { code: "route_not_found", message: "No route DELETE /nowhere." },
    });
    const big = await app.request("/echo", {
      method: "POST",
      body: JSON.stringify({ pad: "x".repeat(MAX_JSON_BODY_BYTES) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "body_too_large" } });
  });
});

describe("audit recording", () => {
  it("records who did what to which ids, allowed, with address and user agent", async () => {
    const runtime = fakeRuntime();
    const app = createFunctionApp({ runtime: async () => runtime });
    mount(app, contract(), (_input, { c }) => {
      noteAuditTargets(c, { uploadId: "0190b6d2-6a2e-7c1a-9f3e-000000000001" });
      return c.json({});
    });
    const response = await app.request(`/v1/artifacts/${ID}`, {
      method: "POST",
      headers: {
        "x-api-key": "alice",
        "x-forwarded-for": "198.51.100.7",
        "user-agent": "scraper/1.0",
        "x-request-id": "req-2",
      },
    });
    expect(response.status).toBe(200);
    expect(runtime.events).toEqual([
      {
        at: expect.any(Date),
        actor: "user:alice",
        action: "touchArtifact",
        artifactId: ID,
        uploadId: "0190b6d2-6a2e-7c1a-9f3e-000000000001",
        target: null,
        outcome: "allowed",
        status: 200,
        reason: null,
        requestId: "req-2",
        sourceIp: "198.51.100.7",
        userAgent: "scraper/1.0",
      },
    ]);
    expect(runtime.readied).toBe(1);
  });

  it("records a denied request with its reason, naming the id in the path", async () => {
    const runtime = fakeRuntime();
    const app = createFunctionApp({ runtime: async () => runtime });
    mount(app, contract(), (_input, { c }) => c.json({}));
    expect((await app.request(`/v1/artifacts/${ID}`, { method: "POST" })).status).toBe(401);
    expect(runtime.events).toMatchObject([
      {
        actor: "anonymous",
        outcome: "denied",
        status: 401,
        reason: "authentication_required",
        artifactId: ID,
      },
    ]);
  });

  it("keeps an id that is not one out of the trail, and does not audit routes without auth", async () => {
    const runtime = fakeRuntime();
    const app = createFunctionApp({ runtime: async () => runtime });
    mount(app, contract(), (_input, { c }) => c.json({}));
    mount(app, contract({ auth: "none", method: "get", path: "/v1/health" }), (_input, { c }) => c.json({}));
    await app.request("/v1/artifacts/not-an-id", { method: "POST", headers: { "x-api-key": "alice" } });
    expect(runtime.events[0]?.artifactId).toBeNull();
    await app.request("/v1/health");
    expect(runtime.events).toHaveLength(1);
  });

  it("answers as earned when the trail cannot be written", async () => {
    const runtime = fakeRuntime({ auditFails: true });
    const app = createFunctionApp({ runtime: async () => runtime });
    mount(app, contract(), (_input, { c }) => c.json({ done: true }));
    const response = await app.request(`/v1/artifacts/${ID}`, {
      method: "POST",
      headers: { "x-api-key": "alice" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
  });
});

describe("CORS", () => {
  const before = process.env.API_CORS_ORIGINS;
  afterEach(() => {
    if (before === undefined) delete process.env.API_CORS_ORIGINS;
    else process.env.API_CORS_ORIGINS = before;
  });

  const preflight = (
    app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
    origin: string,
  ) =>
    app.request("/v1/things", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST" },
    });

  it("allows exactly the configured origins, read when the function loads", async () => {
    process.env.API_CORS_ORIGINS = " https://console.example , https://other.example";
    const app = createFunctionApp();
    process.env.API_CORS_ORIGINS = "*"; // too late: a function reads its settings once
    const allowed = await preflight(app, "https://console.example");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://console.example");
    expect(allowed.headers.get("access-control-allow-headers")).toBe(CORS_ALLOW_HEADERS.join(","));
    expect(allowed.headers.get("access-control-max-age")).toBe("600");
    expect(
      (await preflight(app, "https://evil.example")).headers.get("access-control-allow-origin"),
    ).toBeNull();
  });

  it("allows no origin when none is configured, and any with *", async () => {
    delete process.env.API_CORS_ORIGINS;
    const closed = createFunctionApp();
    expect(
      (await preflight(closed, "https://a.example")).headers.get("access-control-allow-origin"),
    ).toBeNull();
    process.env.API_CORS_ORIGINS = "*";
    const open = createFunctionApp();
    expect((await preflight(open, "https://a.example")).headers.get("access-control-allow-origin")).toBe(
      "https://a.example",
    );
  });
});

describe("httpOrScheduled", () => {
  it("runs the job on the readied runtime when a scheduler invokes it, and serves HTTP otherwise", async () => {
    const runtime = fakeRuntime();
    const readied: unknown[] = [];
    const app = createFunctionApp({
      runtime: async () => runtime,
      ready: async (r) => {
        readied.push(r);
      },
    });
    const handler = httpOrScheduled(app, async (handed) => ({ same: handed === runtime }));
    expect(await handler({ source: "aws.scheduler" }, {})).toEqual({ same: true });
    expect(readied).toEqual([runtime]);
    const http = (await handler(
      {
        version: "2.0",
        rawPath: "/nowhere",
        rawQueryString: "",
        headers: {},
        requestContext: { http: { method: "GET", path: "/nowhere" }, domainName: "x" },
        isBase64Encoded: false,
      },
      {},
    )) as { statusCode: number };
    expect(http.statusCode).toBe(404);
  });
});
