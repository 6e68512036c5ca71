import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytesOf, startTestStack, type TestStack } from "./support/stack";

let stack: TestStack;
let adminToken: string;
beforeAll(async () => {
  stack = await startTestStack();
  adminToken = await stack.tokenFor("keys-admin", ["admin"]);
});
afterAll(() => stack?.close());

const createKey = async (body: Record<string, unknown>, token = adminToken) =>
  stack.api("/v1/api-keys", { method: "POST", token, body: JSON.stringify(body) });

describe("API keys", () => {
  it("are created by admins only, shown once, and listed without their secret", async () => {
    const denied = await createKey(
      { subject: "scraper-1", name: "crawler", scopes: ["upload"] },
      await stack.tokenFor("not-admin"),
    );
    expect(denied.status).toBe(403);

    const created = await createKey({ subject: "scraper-1", name: "crawler", scopes: ["upload", "read"] });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const key = (await created.json()) as {
      id: string;
      key: string;
      scopes: string[];
      lastUsedAt: string | null;
    };
    expect(key.key).toMatch(/^ask_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.lastUsedAt).toBeNull();

    const listed = await (await stack.api("/v1/api-keys", { token: adminToken })).text();
    expect(listed).toContain(key.id);
    const secret = key.key.slice("ask_".length + key.id.length + 1); // base64url may itself hold "_"
    expect(secret).toHaveLength(43);
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain("secret");
  });

  it("work as Bearer or X-API-Key, record when they were last used, and stop at revocation", async () => {
    const created = (await (
      await createKey({ subject: "scraper-2", name: "fetcher", scopes: ["upload", "read"] })
    ).json()) as {
      id: string;
      key: string;
    };
    const client = await import("@artifact-store/client").then(
      ({ ArtifactStoreClient }) => new ArtifactStoreClient({ baseUrl: stack.url, token: created.key }),
    );
    const artifact = await client.upload(randomBytesOf(10), { filename: "k.bin" });
    expect(artifact.ownerId).toBe("scraper-2");
    expect(
      (await stack.api(`/v1/artifacts/${artifact.id}`, { headers: { "x-api-key": created.key } })).status,
    ).toBe(200);

    const listed = (await (await stack.api("/v1/api-keys", { token: adminToken })).json()) as {
      apiKeys: { id: string; lastUsedAt: string | null }[];
    };
    expect(listed.apiKeys.find((k) => k.id === created.id)?.lastUsedAt).not.toBeNull();

    expect(
      (await stack.api(`/v1/api-keys/${created.id}`, { method: "DELETE", token: adminToken })).status,
    ).toBe(204);
    const after = await stack.api(`/v1/artifacts/${artifact.id}`, { headers: { "x-api-key": created.key } });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: { code: "api_key_revoked" } });
    expect(
      (await stack.api(`/v1/api-keys/${created.id}`, { method: "DELETE", token: adminToken })).status,
    ).toBe(404);
  });

  it("expire, and a tampered secret is refused", async () => {
    const created = (await (
      await createKey({
        subject: "scraper-3",
        name: "short",
        scopes: ["read"],
        expiresAt: new Date(Date.now() + 1200).toISOString(),
      })
    ).json()) as { key: string };
    const tampered = `${created.key.slice(0, -1)}${created.key.endsWith("A") ? "B" : "A"}`;
    const refused = await stack.api("/v1/artifacts/00000000-0000-4000-8000-000000000000", {
      headers: { "x-api-key": tampered },
    });
    expect(await refused.json()).toMatchObject({ error: { code: "api_key_invalid" } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const expired = await stack.api("/v1/artifacts/00000000-0000-4000-8000-000000000000", {
      headers: { "x-api-key": created.key },
    });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: "api_key_expired" } });
  });

  it("refuse unknown scopes", async () => {
    const response = await createKey({ subject: "s", name: "n", scopes: ["everything"] });
    expect(response.status).toBe(400);
  });
});

describe("uploads belong to their creator", () => {
  // The owner's keys: one that may only read, one that may only upload.
  const OWNER = "key-owner";
  const credentials = new Map<string, Record<string, string>>();
  const key = async (scopes: string[]) => {
    const response = await stack.api("/v1/api-keys", {
      method: "POST",
      token: adminToken,
      body: JSON.stringify({ subject: OWNER, name: `owner's ${scopes.join("+")}`, scopes }),
    });
    expect(response.status).toBe(201);
    return { "x-api-key": ((await response.json()) as { key: string }).key };
  };
  beforeAll(async () => {
    credentials.set("owner's key: read", await key(["read"]));
    credentials.set("owner's key: upload only", await key(["upload"]));
  });

  it("an API key without the upload scope cannot open an upload", async () => {
    const response = await stack.api("/v1/uploads", {
      method: "POST",
      headers: credentials.get("owner's key: read") ?? {},
      body: JSON.stringify({ filename: "x", contentType: "text/plain", size: 1 }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "insufficient_scope" } });
  });

  it("an API key with the upload scope uploads as its subject", async () => {
    const { ArtifactStoreClient } = await import("@artifact-store/client");
    const key = credentials.get("owner's key: upload only")?.["x-api-key"] ?? "";
    const client = new ArtifactStoreClient({ baseUrl: stack.url, token: key });
    const artifact = await client.upload(randomBytesOf(100), { filename: "by-key.bin" });
    expect(artifact.ownerId).toBe(OWNER);
  });
});

describe("GET /v1/me", () => {
  it("answers who a token or an API key is taken for, and refuses a caller without credentials", async () => {
    const me = async (init: { token?: string; headers?: Record<string, string> } = {}) => {
      const answer = await stack.api("/v1/me", init);
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };
    expect(await me({ token: await stack.tokenFor("me-user") })).toMatchObject({
      status: 200,
      body: { id: "me-user", kind: "user", keyId: null, roles: [], admin: false },
    });
    expect(await me({ token: adminToken })).toMatchObject({
      status: 200,
      body: { id: "keys-admin", kind: "user", roles: ["admin"], admin: true },
    });

    const keyed = async (scopes: string[]) =>
      (await (await createKey({ subject: "me-service", name: "me", scopes })).json()) as {
        id: string;
        key: string;
      };
    const operator = await keyed(["read", "admin"]);
    expect(await me({ token: operator.key })).toMatchObject({
      status: 200,
      body: { id: "me-service", kind: "apiKey", keyId: operator.id, scopes: ["read", "admin"], admin: true },
    });
    const reader = await keyed(["read"]);
    expect(await me({ headers: { "x-api-key": reader.key } })).toMatchObject({
      status: 200,
      body: { id: "me-service", kind: "apiKey", keyId: reader.id, scopes: ["read"], admin: false },
    });

    expect(await me()).toMatchObject({ status: 401 });
    expect(await me({ token: "ask_000000000000_nope" })).toMatchObject({ status: 401 });
  });
});
