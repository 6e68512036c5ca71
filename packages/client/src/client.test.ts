// The SDK's own logic against a fake API: paging, routes, errors, waiting and progress. That it
// works against the real API, built and installed as a package, is test/sdk-package.test.ts.
import { describe, expect, it } from "vitest";
import { ArtifactStoreClient } from "./client";
import type { ArtifactView } from "./contract";
import {
  ArtifactCorruptError,
  ArtifactStoreError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  RateLimitError,
  ServerError,
  VerificationTimeoutError,
} from "./errors";
import type { UploadProgress } from "./upload";

const ID = "22222222-2222-4222-8222-222222222222";

const artifact = (overrides: Partial<ArtifactView> = {}): ArtifactView => ({
  id: ID,
  ownerId: "alice",
  filename: "a.bin",
  contentType: "application/octet-stream",
  size: 3,
  sha256: "0".repeat(64),
  metadata: {},
  tags: [],
  provenance: null,
  visibility: "private",
  state: "verified",
  version: 1,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  uploadedAt: "2026-01-01T00:00:00.000Z",
  ...overrides,
});

type Answer =
  | Response
  | ((request: { method: string; url: URL; body: unknown }) => Response | Promise<Response>);

/** An API answering each `METHOD /path` from a table; every request is logged. */
const fakeApi = (routes: Record<string, Answer | Answer[]>) => {
  const calls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    calls.push(`${method} ${url.pathname}${url.search}`);
    const route = routes[`${method} ${url.pathname}`];
    const answer = Array.isArray(route) ? route.shift() : route;
    if (!answer)
      return Response.json(
        { error: { code: "route_not_found", message: "no", requestId: "r" } },
        { status: 404 },
      );
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    return typeof answer === "function" ? answer({ method, url, body }) : answer.clone();
  };
  const client = new ArtifactStoreClient({
    baseUrl: "http://api.invalid",
    token: "t",
    fetch,
    retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });
  return { calls, client };
};

const page = (ids: string[], nextCursor: string | null) =>
  Response.json({ artifacts: ids.map((id) => artifact({ id })), nextCursor });

describe("searchAll walks every page", () => {
  it("yields the artifacts of each page in order, asking for the next page with its cursor", async () => {
    const { calls, client } = fakeApi({
      "GET /v1/artifacts": [page(["a", "b"], "c1"), page(["c"], "c2"), page([], null)],
    });
    const ids: string[] = [];
    for await (const found of client.searchAll({ tags: ["x", "y"], limit: 2 })) ids.push(found.id);
    expect(ids).toEqual(["a", "b", "c"]);
    expect(calls).toEqual([
      "GET /v1/artifacts?tags=x%2Cy&limit=2",
      "GET /v1/artifacts?tags=x%2Cy&limit=2&cursor=c1",
      "GET /v1/artifacts?tags=x%2Cy&limit=2&cursor=c2",
    ]);
  });

  it("fetches no further page once the loop is left", async () => {
    const { calls, client } = fakeApi({ "GET /v1/artifacts": [page(["a", "b"], "c1"), page(["c"], null)] });
    for await (const found of client.searchAll()) if (found.id === "a") break;
    expect(calls).toHaveLength(1);
  });

  it("searchPages yields whole pages, from the cursor given", async () => {
    const { calls, client } = fakeApi({ "GET /v1/artifacts": [page(["b"], "c2"), page(["c"], null)] });
    const pages = [];
    for await (const each of client.searchPages({ cursor: "c1" })) pages.push(each.artifacts.length);
    expect(pages).toEqual([1, 1]);
    expect(calls).toEqual(["GET /v1/artifacts?cursor=c1", "GET /v1/artifacts?cursor=c2"]);
  });
});

describe("webhook subscriptions", () => {
  const webhook = {
    id: ID,
    url: "https://hooks.example.com/a",
    events: ["artifact.verified"],
    filters: { tags: [], contentType: null, jobId: null },
    owner: "alice",
    createdBy: "alice",
    description: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    state: "active",
    pausedAt: null,
    pausedReason: null,
  };

  it("each method is its route", async () => {
    const sent: unknown[] = [];
    const { calls, client } = fakeApi({
      "POST /v1/webhooks": ({ body }) => {
        sent.push(body);
        return Response.json({ ...webhook, secret: "whsec_x" }, { status: 201 });
      },
      "GET /v1/webhooks": Response.json({ webhooks: [webhook] }),
      [`POST /v1/webhooks/${ID}/resume`]: Response.json(webhook),
      [`GET /v1/webhooks/${ID}/deliveries`]: Response.json({ deliveries: [] }),
      "POST /v1/webhooks/deliveries/d1/redeliver": Response.json({ id: "d1" }),
      [`DELETE /v1/webhooks/${ID}`]: new Response(null, { status: 204 }),
    });
    const created = await client.createWebhook({
      url: webhook.url,
      events: ["artifact.verified"],
      filters: { tags: ["crawl:1"] },
    });
    expect(created.secret).toBe("whsec_x");
    expect(sent).toEqual([
      { url: webhook.url, events: ["artifact.verified"], filters: { tags: ["crawl:1"] } },
    ]);
    expect(await client.listWebhooks({ createdBy: "alice" })).toEqual([webhook]);
    expect((await client.resumeWebhook(ID)).state).toBe("active");
    expect(await client.listWebhookDeliveries(ID, { limit: 5 })).toEqual([]);
    expect((await client.redeliverWebhook("d1")).id).toBe("d1");
    await client.deleteWebhook(ID);
    expect(calls).toEqual([
      "POST /v1/webhooks",
      "GET /v1/webhooks?createdBy=alice",
      `POST /v1/webhooks/${ID}/resume`,
      `GET /v1/webhooks/${ID}/deliveries?limit=5`,
      "POST /v1/webhooks/deliveries/d1/redeliver",
      `DELETE /v1/webhooks/${ID}`,
    ]);
  });
});

describe("errors are typed by what the API answered", () => {
  const answering = (status: number, code: string, headers: Record<string, string> = {}) =>
    fakeApi({
      [`GET /v1/artifacts/${ID}`]: new Response(
        JSON.stringify({ error: { code, message: `it is ${code}`, requestId: "req-1", details: { a: 1 } } }),
        { status, headers: { "content-type": "application/json", ...headers } },
      ),
    }).client;

  it.each([
    [400, "invalid_request", BadRequestError],
    [413, "body_too_large", BadRequestError],
    [401, "token_expired", AuthenticationError],
    [404, "artifact_not_found", NotFoundError],
    [409, "artifact_not_verified", ConflictError],
    [410, "upload_expired", ConflictError],
    [412, "precondition_failed", ConflictError],
    [503, "storage_unavailable", ServerError],
  ] as const)("%i %s is a %o", async (status, code, kind) => {
    const error = await answering(status, code)
      .get(ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind);
    expect(error).toBeInstanceOf(ArtifactStoreError);
    expect(error).toMatchObject({
      status,
      code,
      message: `it is ${code}`,
      requestId: "req-1",
      details: { a: 1 },
    });
  });

  it("a 429 says when to come back", async () => {
    const error = await answering(429, "rate_limited", { "retry-after": "7" })
      .get(ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBe(7);
  });

  it("an answer without an error body (a gateway's) is http_error", async () => {
    const { client } = fakeApi({ [`GET /v1/artifacts/${ID}`]: new Response("Bad Gateway", { status: 502 }) });
    const error = await client.get(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 502, code: "http_error" });
  });
});

describe("waiting until an artifact is verified", () => {
  it("polls until the scheduled run verified it", async () => {
    const { calls, client } = fakeApi({
      [`GET /v1/artifacts/${ID}`]: [
        Response.json(artifact({ state: "uploaded" })),
        Response.json(artifact({ state: "uploaded" })),
        Response.json(artifact({ state: "verified" })),
      ],
    });
    expect((await client.waitUntilVerified(ID, { timeoutMs: 10_000 })).state).toBe("verified");
    expect(calls).toHaveLength(3);
  });

  it("fails with ArtifactCorruptError, with the reason, when the bytes did not match", async () => {
    const corrupt = artifact({
      state: "corrupt",
      integrity: {
        state: "corrupt",
        reason: "sha256_mismatch",
        details: {},
        checkedAt: null,
        verifiedAt: null,
        sniffedType: null,
        contentTypeMismatch: false,
        sha256Source: "uploader",
      },
    });
    const { client } = fakeApi({ [`GET /v1/artifacts/${ID}`]: Response.json(corrupt) });
    const error = await client.waitUntilVerified(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactCorruptError);
    expect(error).toMatchObject({ code: "artifact_corrupt", reason: "sha256_mismatch" });
  });

  it("gives up after the timeout with the artifact as last seen", async () => {
    const { client } = fakeApi({
      [`GET /v1/artifacts/${ID}`]: () => Response.json(artifact({ state: "uploaded" })),
    });
    const started = performance.now();
    const error = await client.waitUntilVerified(ID, { timeoutMs: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationTimeoutError);
    expect((error as VerificationTimeoutError).artifact.state).toBe("uploaded");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("upload({ waitUntil: 'verified' }) waits after completing", async () => {
    const md5 = "Uonfc331cyb83SJZevsfrA=="; // of the bytes 1, 2, 3
    const { calls, client } = fakeApi({
      "POST /v1/uploads": Response.json(
        {
          deduplicated: false,
          uploadId: "11111111-1111-4111-8111-111111111111",
          artifactId: ID,
          mode: "single",
          partSize: 3,
          partCount: 1,
          checksums: { algorithms: ["md5"], required: true },
          parts: [
            {
              partNumber: 1,
              url: "http://storage.invalid/put",
              method: "PUT",
              headers: { "content-md5": md5 },
            },
          ],
          expiresAt: new Date(Date.now() + 900_000).toISOString(),
        },
        { status: 201 },
      ),
      "PUT /put": new Response(null, { status: 200 }),
      "POST /v1/uploads/11111111-1111-4111-8111-111111111111/complete": Response.json(
        artifact({ state: "uploaded" }),
      ),
      [`GET /v1/artifacts/${ID}`]: Response.json(artifact({ state: "verified" })),
    });
    const done = await client.upload(new Uint8Array([1, 2, 3]), { filename: "a.bin", waitUntil: "verified" });
    expect(done.state).toBe("verified");
    expect(calls.at(-1)).toBe(`GET /v1/artifacts/${ID}`);
  });
});

describe("upload progress within a part", () => {
  it("is reported as fetch takes the body, at least every MiB, not only when the part is done", async () => {
    const size = 6 * 1024 * 1024;
    const uploadId = "11111111-1111-4111-8111-111111111111";
    const progress: UploadProgress[] = [];
    let putReads = 0;
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = String(input);
      if (url.endsWith("/v1/uploads")) {
        const { md5 } = JSON.parse(String(init?.body)) as { md5: string };
        return Response.json(
          {
            deduplicated: false,
            uploadId,
            artifactId: ID,
            mode: "single",
            partSize: size,
            partCount: 1,
            checksums: { algorithms: ["md5"], required: true },
            parts: [
              {
                partNumber: 1,
                url: "http://storage.invalid/put",
                method: "PUT",
                headers: { "content-md5": md5 },
              },
            ],
            expiresAt: new Date(Date.now() + 900_000).toISOString(),
          },
          { status: 201 },
        );
      }
      if (url.endsWith("/complete")) return Response.json(artifact({ size }));
      // Storage, reading the streamed body piece by piece as a socket would.
      const reader = (init as RequestInit & { body: ReadableStream<Uint8Array> }).body.getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) putReads += 1;
      return new Response(null, { status: 200 });
    };
    const client = new ArtifactStoreClient({
      baseUrl: "http://api.invalid",
      token: "t",
      fetch,
      streamBodies: true,
    });
    await client.upload(new Uint8Array(size), {
      filename: "big.bin",
      onProgress: (p) => progress.push({ ...p }),
    });

    expect(putReads).toBe(size / (64 * 1024));
    const bytes = progress.map((p) => p.uploadedBytes);
    expect(bytes[0]).toBe(0);
    expect(bytes.at(-1)).toBe(size);
    // Reports while the one part was in flight, none more than a MiB after the one before.
    expect(progress.filter((p) => p.partsDone === 0 && p.uploadedBytes > 0).length).toBeGreaterThanOrEqual(5);
    for (let index = 1; index < bytes.length; index += 1) {
      expect((bytes[index] ?? 0) - (bytes[index - 1] ?? 0)).toBeLessThanOrEqual(1024 * 1024);
    }
  });
});
