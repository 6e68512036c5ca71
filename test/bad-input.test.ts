import type { UploadCreated } from "@artifact-store/api";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytesOf, sha256, startTestStack, type TestStack } from "./support/stack";

let stack: TestStack;
let token: string;
const USER = "careless-user";

beforeAll(async () => {
  stack = await startTestStack({ UPLOAD_MAX_SIZE_BYTES: String(1024 ** 4) });
  token = await stack.tokenFor(USER);
});
afterAll(() => stack?.close());

const good = {
  filename: "a.txt",
  contentType: "text/plain",
  size: 5,
  sha256: sha256(new TextEncoder().encode("hello")),
};

const create = (body: unknown, init: { raw?: string; token?: string } = {}) =>
  stack.api("/v1/uploads", {
    method: "POST",
    token: init.token ?? token,
    body: init.raw ?? JSON.stringify(body),
  });

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: Record<string, unknown> }).error;

describe("bad input is answered with a clear 4xx and stores nothing", () => {
  it.each([
    ["negative size", { ...good, size: -1 }, 400, "invalid_request"],
    ["fractional size", { ...good, size: 1.5 }, 400, "invalid_request"],
    ["size as a string", { ...good, size: "5" }, 400, "invalid_request"],
    ["huge size", { ...good, size: 2 * 1024 ** 4 }, 413, "size_limit_exceeded"],
    ["missing filename", { ...good, filename: undefined }, 400, "invalid_request"],
    ["missing content type", { ...good, contentType: undefined }, 400, "invalid_request"],
    ["short sha256", { ...good, sha256: "abc" }, 400, "invalid_request"],
    ["bad content type", { ...good, contentType: "not a type" }, 400, "invalid_request"],
    ["control characters in the filename", { ...good, filename: "evil\u0000.txt" }, 400, "invalid_filename"],
    ["a folder for a filename", { ...good, filename: "../" }, 400, "invalid_filename"],
    ["unknown field", { ...good, bucket: "other" }, 400, "invalid_request"],
    ["bad visibility", { ...good, visibility: "everyone" }, 400, "invalid_request"],
    ["bad tag", { ...good, tags: ["no spaces allowed"] }, 400, "invalid_tags"],
    [
      "too deep metadata",
      { ...good, metadata: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } },
      400,
      "invalid_metadata",
    ],
  ])("%s", async (_label, body, status, code) => {
    const response = await create(body);
    expect(response.status).toBe(status);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code });
    expect(String(error.message).length).toBeGreaterThan(10);
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
  });

  it("malformed JSON", async () => {
    const response = await create(undefined, { raw: '{"filename": "a.txt",' });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_json" });
  });

  it("a body over the size limit", async () => {
    const response = await create(undefined, {
      raw: JSON.stringify({ ...good, metadata: { pad: "x".repeat(70_000) } }),
    });
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatchObject({ code: "body_too_large" });
  });

  it("left nothing in storage or the catalogue", async () => {
    expect(await stack.keysUnder(`artifacts/users/${USER}/`)).toEqual([]);
    const rows = await stack.runtime.catalog.db.query("select id from artifacts where owner_id = $1", [USER]);
    expect(rows).toEqual([]);
  });
});

describe("authentication", () => {
  it("no token: 401 with a WWW-Authenticate challenge", async () => {
    const response = await stack.api("/v1/uploads", { method: "POST", body: JSON.stringify(good) });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(await errorOf(response)).toMatchObject({ code: "authentication_required" });
  });

  it("a token signed with another secret", async () => {
    const forged = await new SignJWT({ sub: USER })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("another-secret-another-secret-another"));
    const response = await create(good, { token: forged });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: "token_invalid" });
  });

  it("an expired token", async () => {
    const expired = await new SignJWT({ sub: USER })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode("test-secret-test-secret-test-secret-42"));
    const response = await create(good, { token: expired });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: "token_expired" });
  });

  it("an unsigned alg:none token", async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const unsigned = `${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: USER, exp: 9_999_999_999 })}.`;
    const response = await create(good, { token: unsigned });
    expect(response.status).toBe(401);
  });
});

describe("ids", () => {
  const unknown = "00000000-0000-4000-8000-000000000000";

  it.each([
    ["GET", `/v1/uploads/${unknown}`],
    ["POST", `/v1/uploads/${unknown}/complete`],
    ["DELETE", `/v1/uploads/${unknown}`],
    ["GET", `/v1/artifacts/${unknown}`],
    ["GET", `/v1/artifacts/${unknown}/download`],
    ["DELETE", `/v1/artifacts/${unknown}`],
  ])("unknown: %s %s is 404", async (method, path) => {
    const response = await stack.api(path, { method, token });
    expect(response.status).toBe(404);
    expect(String((await errorOf(response)).code)).toMatch(/_not_found$/);
  });

  it("malformed ids are 400, not a database error", async () => {
    const response = await stack.api("/v1/artifacts/not-an-id'--", { token });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_request" });
  });

  it("another user's upload is 404 on every upload operation, and stays untouched", async () => {
    const bytes = randomBytesOf(5);
    const ownerToken = await stack.tokenFor("owner-of-upload");
    const opened = await stack.api("/v1/uploads", {
      method: "POST",
      token: ownerToken,
      body: JSON.stringify({ ...good, sha256: sha256(bytes) }),
    });
    const { uploadId } = (await opened.json()) as UploadCreated;
    const intruder = await stack.tokenFor("intruder");
    for (const [method, path, body] of [
      ["GET", `/v1/uploads/${uploadId}`, undefined],
      ["POST", `/v1/uploads/${uploadId}/parts`, JSON.stringify({ partNumbers: [1] })],
      ["POST", `/v1/uploads/${uploadId}/complete`, undefined],
      ["DELETE", `/v1/uploads/${uploadId}`, undefined],
    ] as const) {
      const response = await stack.api(path, { method, token: intruder, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const status = await stack.api(`/v1/uploads/${uploadId}`, { token: ownerToken });
    expect(await status.json()).toMatchObject({ state: "open" });
  });

  it("an unknown route is a JSON 404", async () => {
    const response = await stack.api("/v1/nothing-here", { token });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatchObject({ code: "route_not_found" });
  });
});
