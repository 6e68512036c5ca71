import type { RouteContract } from "@artifact-store/api";
import { ANONYMOUS, notFound, type Principal } from "@artifact-store/core";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { createFunctionApp } from "./app";
import { ALICE, type FakeRuntime, fakeRuntime } from "./fake-runtime";
import { mount } from "./mount";
import { ifMatchVersions, versionTag } from "./preconditions";

process.env.LOG_LEVEL ??= "silent";

const route = <const T extends Partial<RouteContract>>(overrides: T) =>
  ({
    operationId: "doThing",
    method: "post",
    path: "/v1/things/:thingId",
    summary: "",
    tag: "test",
    auth: "required",
    scope: "write",
    params: v.object({ thingId: v.pipe(v.string(), v.maxLength(8)) }),
    body: v.object({ name: v.pipe(v.string(), v.minLength(1)) }),
    responses: {},
    ...overrides,
  }) as RouteContract & T;

/** An app with one route whose handler answers what it was given. */
const appWith = (contract: RouteContract, runtime: FakeRuntime = fakeRuntime()) => {
  const seen: { principal?: Principal; readiedBefore?: number } = {};
  let readyCalls = 0;
  const app = createFunctionApp({
    runtime: async () => runtime,
    ready: async (r) => {
      readyCalls += 1;
      await r.ready();
    },
  });
  mount(app, contract, (input, { c, principal, runtime: handed }) => {
    seen.principal = principal;
    seen.readiedBefore = readyCalls;
    expect(handed).toBe(runtime);
    expect(c.var.runtime).toBe(runtime);
    return c.json({ input });
  });
  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const { token, headers, ...rest } = init;
    return app.request(path, {
      method: "POST",
      ...rest,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(headers as object) },
    });
  };
  return { app, call, seen, runtime, readyCalls: () => readyCalls };
};

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string; details?: unknown } }).error;

describe("authentication", () => {
  it("asks an anonymous caller of a required route for credentials (401, WWW-Authenticate)", async () => {
    const { call, seen } = appWith(route({}));
    const response = await call("/v1/things/t1", { body: '{"name":"x"}' });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="artifact-store"');
    expect(await errorOf(response)).toMatchObject({
      code: "authentication_required",
      message: "This operation needs a bearer token or API key.",
    });
    expect(seen.principal).toBeUndefined();
  });

  it("refuses a malformed Authorization header, and a token the runtime does not know", async () => {
    const { call } = appWith(route({}));
    const malformed = await call("/v1/things/t1", { headers: { authorization: "Basic abc" } });
    expect(malformed.status).toBe(401);
    expect((await errorOf(malformed)).code).toBe("token_invalid");
    const unknown = await call("/v1/things/t1", { token: "mallory", body: '{"name":"x"}' });
    expect(unknown.status).toBe(401);
    expect((await errorOf(unknown)).code).toBe("token_invalid");
  });

  it("hands the handler the principal behind a bearer token or an X-API-Key", async () => {
    const { call, seen } = appWith(route({}));
    expect((await call("/v1/things/t1", { token: "alice", body: '{"name":"x"}' })).status).toBe(200);
    expect(seen.principal).toEqual(ALICE);
    seen.principal = undefined;
    const byKey = await call("/v1/things/t1", { headers: { "x-api-key": " alice " }, body: '{"name":"x"}' });
    expect(byKey.status).toBe(200);
    expect(seen.principal).toEqual(ALICE);
  });

  it("serves an anonymous caller on an optional route, but still checks credentials that are given", async () => {
    const { call, seen } = appWith(route({ auth: "optional", scope: "read" }));
    expect((await call("/v1/things/t1", { body: '{"name":"x"}' })).status).toBe(200);
    expect(seen.principal).toEqual(ANONYMOUS);
    expect((await call("/v1/things/t1", { token: "mallory", body: '{"name":"x"}' })).status).toBe(401);
  });

  it("asks an anonymous caller for credentials where the route needs a scope anonymous callers lack", async () => {
    const { call } = appWith(route({ auth: "optional", scope: "write" }));
    const response = await call("/v1/things/t1", { body: '{"name":"x"}' });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("authentication_required");
  });

  it("refuses an identified caller without the route's scope (403)", async () => {
    const { call } = appWith(route({ scope: "admin" }));
    const response = await call("/v1/things/t1", { token: "alice", body: '{"name":"x"}' });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toMatchObject({
      code: "insufficient_scope",
      message: 'This operation needs the "admin" scope.',
    });
  });

  it("needs no runtime at all for a route without auth (the OpenAPI document)", async () => {
    const app = createFunctionApp();
    mount(
      app,
      route({
        auth: "none",
        scope: undefined,
        method: "get",
        path: "/doc",
        params: undefined,
        body: undefined,
      }),
      (_i, { c }) => c.json({ ok: true }),
    );
    const response = await app.request("/doc", { headers: { authorization: "Bearer whatever" } });
    expect(response.status).toBe(200);
  });
});

describe("validation against the contract", () => {
  it("names the invalid field, where it was, and every issue", async () => {
    const { call } = appWith(route({}));
    const response = await call("/v1/things/far-too-long", { token: "alice", body: '{"name":""}' });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: "invalid_request",
      message: expect.stringContaining('path field "thingId" is invalid'),
      details: { location: "path", fields: [{ field: "thingId" }] },
    });
    const body = await call("/v1/things/t1", { token: "alice", body: '{"name":""}' });
    expect(await errorOf(body)).toMatchObject({
      code: "invalid_request",
      details: { location: "body", fields: [{ field: "name" }] },
    });
  });

  it("tells a missing body from a body that is not JSON", async () => {
    const { call } = appWith(route({}));
    expect(await errorOf(await call("/v1/things/t1", { token: "alice" }))).toMatchObject({
      code: "invalid_json",
      message: "The request needs a JSON body.",
    });
    expect(await errorOf(await call("/v1/things/t1", { token: "alice", body: "{name" }))).toMatchObject({
      code: "invalid_json",
      message: "The request body is not valid JSON.",
    });
  });

  it("accepts no body where the contract's body is optional", async () => {
    const { call } = appWith(route({ body: v.optional(v.object({ name: v.string() })) }));
    const response = await call("/v1/things/t1", { token: "alice" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ input: { params: { thingId: "t1" } } });
  });

  it("refuses text the catalogue could not store (a NUL) before it reaches a handler", async () => {
    const { call } = appWith(route({}));
    const response = await call("/v1/things/t1", {
      token: "alice",
      body: JSON.stringify({ name: "a\u0000b" }),
    });
    expect(response.status).toBe(400);
  });

  it("hands the handler the parsed input", async () => {
    const { call } = appWith(route({ query: v.object({ n: v.optional(v.string()) }) }));
    const response = await call("/v1/things/t1?n=2", { token: "alice", body: '{"name":"x"}' });
    expect(await response.json()).toEqual({
      input: { params: { thingId: "t1" }, query: { n: "2" }, body: { name: "x" } },
    });
  });
});

describe("rate limits", () => {
  it("counts signing per principal, and per address for anonymous callers", async () => {
    const { call, runtime } = appWith(route({ auth: "optional", scope: "read", rateLimited: true }));
    await call("/v1/things/t1", { token: "alice", body: '{"name":"x"}' });
    await call("/v1/things/t1", {
      body: '{"name":"x"}',
      headers: { "x-forwarded-for": "203.0.113.9, 10.0.0.1" },
    });
    expect(runtime.hits).toEqual(["signing:user:alice", "signing:ip:203.0.113.9"]);
  });

  it("answers 429 with Retry-After once the window is used up", async () => {
    const { call, seen } = appWith(route({ rateLimited: true }), fakeRuntime({ admitted: false }));
    const response = await call("/v1/things/t1", { token: "alice", body: '{"name":"x"}' });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("42");
    expect(seen.principal).toBeUndefined();
  });
});

describe("readiness", () => {
  it("readies the runtime as the app's source asks, after validation and before the handler", async () => {
    const { call, seen, readyCalls } = appWith(route({}));
    await call("/v1/things/far-too-long", { token: "alice", body: '{"name":"x"}' });
    expect(readyCalls()).toBe(0); // a caller's mistake is answered without touching the catalogue
    expect((await call("/v1/things/t1", { token: "alice", body: '{"name":"x"}' })).status).toBe(200);
    expect(seen.readiedBefore).toBe(1);
  });

  it("maps what a handler throws: a domain error to its status, anything else to a 500", async () => {
    const app = createFunctionApp({ runtime: async () => fakeRuntime() });
    mount(app, route({ path: "/v1/things/:thingId", body: undefined }), ({ params }) => {
      if ((params as { thingId: string }).thingId === "gone") throw notFound("artifact", "gone");
      throw new Error("a bug");
    });
    const missing = await app.request("/v1/things/gone", {
      method: "POST",
      headers: { "x-api-key": "alice" },
    });
    expect(missing.status).toBe(404);
    const broken = await app.request("/v1/things/t1", { method: "POST", headers: { "x-api-key": "alice" } });
    expect(broken.status).toBe(500);
    expect(await errorOf(broken)).toMatchObject({ code: "internal_error" });
  });
});

describe("If-Match", () => {
  const versionsOf = async (header?: string) => {
    const app = createFunctionApp();
    app.get("/", (c) => c.json(ifMatchVersions(c)));
    const response = await app.request("/", header === undefined ? {} : { headers: { "if-match": header } });
    return response.json();
  };

  it("reads strong version tags, and sets no precondition when absent or *", async () => {
    expect(versionTag(3)).toBe('"3"');
    expect(await versionsOf('"3"')).toEqual([3]);
    expect(await versionsOf(' "3" , "5"')).toEqual([3, 5]);
    expect(await versionsOf()).toBeNull();
    expect(await versionsOf("*")).toBeNull();
    expect(await versionsOf("  ")).toBeNull();
  });

  it("matches no version for weak or malformed tags, so the update is refused rather than forced", async () => {
    expect(await versionsOf('W/"3"')).toEqual([]);
    expect(await versionsOf("3")).toEqual([]);
    expect(await versionsOf('"1234567890"')).toEqual([]);
  });
});
