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

/** `{"a":{"a": ... 1}}`, `levels` objects deep, as JSON text (JSON.stringify itself overflows on it). */
const deeplyNested = (levels: number): string => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

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
    ["control characters in the filename", { ...good, filename: "evil\u0007.txt" }, 400, "invalid_filename"],
    ["a NUL in the filename", { ...good, filename: "evil\u0000.txt" }, 400, "invalid_characters"],
    ["a folder for a filename", { ...good, filename: "../" }, 400, "invalid_filename"],
    ["unknown field", { ...good, bucket: "other" }, 400, "invalid_request"],
    ["bad visibility", { ...good, visibility: "everyone" }, 400, "invalid_request"],
    ["bad tag", { ...good, tags: ["no spaces allowed"] }, 400, "invalid_tags"],
    [
      "too deep metadata",
      { ...good, metadata: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } },
      400,
      "metadata_too_deep",
    ],
    ["metadata over 16 KiB", { ...good, metadata: { pad: "x".repeat(17_000) } }, 400, "metadata_too_large"],
    ["a NUL in the metadata", { ...good, metadata: { title: "a\u0000b" } }, 400, "invalid_characters"],
    [
      "half a surrogate pair in the metadata",
      { ...good, metadata: { title: "\ud800" } },
      400,
      "invalid_characters",
    ],
    ["a NUL in provenance", { ...good, provenance: { userAgent: "bot\u0000" } }, 400, "invalid_characters"],
    [
      "a right-to-left override in the filename",
      { ...good, filename: "invoice\u202Efdp.exe" },
      400,
      "invalid_filename",
    ],
    [
      "a zero-width space in the filename",
      { ...good, filename: "re\u200Bport.pdf" },
      400,
      "invalid_filename",
    ],
    ["a bidi isolate in the filename", { ...good, filename: "\u2066a.txt\u2069" }, 400, "invalid_filename"],
    ["a byte order mark in the filename", { ...good, filename: "\uFEFFa.txt" }, 400, "invalid_filename"],
  ])("%s", async (_label, body, status, code) => {
    const response = await create(body);
    expect(response.status).toBe(status);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code });
    expect(String(error.message).length).toBeGreaterThan(10);
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
  });

  it("metadata nested 10,000 deep is a 400 naming the limit, not a stack overflow", async () => {
    const response = await create(undefined, {
      raw: JSON.stringify({ ...good, metadata: "<deep>" }).replace('"<deep>"', deeplyNested(10_000)),
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: "metadata_too_deep", details: { maxDepth: 8 } });
    expect(error.message).toMatch(/at most 8 levels/);
  });

  it("bidi controls in a filename are refused with the character named", async () => {
    const response = await create({ ...good, filename: "invoice\u202Efdp.exe" });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: "invalid_filename",
      message: expect.stringContaining("U+202E"),
    });
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

describe("changing an artifact", () => {
  it("metadata nested 10,000 deep is a 400, and the artifact is unchanged", async () => {
    const client = await stack.clientFor("deep-editor");
    const artifact = await client.upload(randomBytesOf(5), { filename: "e.txt", contentType: "text/plain" });
    const response = await stack.api(`/v1/artifacts/${artifact.id}`, {
      method: "PATCH",
      token: await stack.tokenFor("deep-editor"),
      body: `{"metadata":${deeplyNested(10_000)}}`,
    });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "metadata_too_deep" });
    expect((await client.get(artifact.id)).version).toBe(1);
  });
});

describe("cursors and query strings", () => {
  let adminToken: string;
  beforeAll(async () => {
    adminToken = await stack.tokenFor("bad-input-admin", ["admin"]);
  });

  it.each([
    ["not base64 of a seq", "abc"],
    ["a negative seq", Buffer.from("-3").toString("base64url")],
    ["a seq past the safe integers", Buffer.from("99999999999999999999").toString("base64url")],
  ])("an audit cursor that is %s is a 400 invalid_cursor", async (_label, cursor) => {
    const response = await stack.api(`/v1/audit?cursor=${cursor}`, { token: adminToken });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_cursor" });
  });

  it("other audit filters the trail refuses are 400s too", async () => {
    const response = await stack.api("/v1/audit?limit=abc", { token: adminToken });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_request" });
  });

  it("a search cursor that is garbage, or a real one with its position edited, is a 400 invalid_cursor", async () => {
    const client = await stack.clientFor("cursor-user");
    for (const name of ["c1.txt", "c2.txt"]) {
      await client.upload(randomBytesOf(5), { filename: name, contentType: "text/plain" });
    }
    const cursorToken = await stack.tokenFor("cursor-user");
    const search = (query: string) => stack.api(`/v1/artifacts?${query}`, { token: cursorToken });
    expect((await search("cursor=abc")).status).toBe(400);
    // Positions a cursor may hold (any that casts cleanly), and forged ones it may not.
    const positions: Record<string, { fine: string[]; forged: string[] }> = {
      createdAt: {
        fine: ["2026-01-01T00:00:00.000000Z"],
        forged: ["1", "2026-02-31T00:00:00.000000Z", "0000-01-01T00:00:00.000000Z", "a\u0000"],
      },
      size: { fine: ["1"], forged: ["99999999999999999999", "-1", "1.5", "a\u0000"] },
      filename: { fine: ["zzz", "1"], forged: ["a\u0000", "\ud800"] },
    };
    for (const [sort, { fine, forged }] of Object.entries(positions)) {
      const page = (await (await search(`sort=${sort}&limit=1`)).json()) as { nextCursor: string };
      const real = JSON.parse(Buffer.from(page.nextCursor, "base64url").toString()) as object;
      // The fingerprint still matches the filter: only the position is edited.
      const withPosition = (k: string) => Buffer.from(JSON.stringify({ ...real, k })).toString("base64url");
      for (const k of [...fine, page.nextCursor]) {
        const cursor = k === page.nextCursor ? k : withPosition(k);
        expect((await search(`sort=${sort}&limit=1&cursor=${cursor}`)).status, `${sort} ${k}`).toBe(200);
      }
      for (const k of forged) {
        const response = await search(`sort=${sort}&limit=1&cursor=${withPosition(k)}`);
        expect(response.status, `${sort} ${k}`).toBe(400);
        expect(await errorOf(response)).toMatchObject({ code: "invalid_cursor" });
      }
    }
  });

  it.each([
    ["a NUL in a search term", "q=a%00b", "invalid_characters"],
    [
      "a NUL inside the metadata filter's JSON",
      `metadata=${encodeURIComponent('{"t":"\\u0000"}')}`,
      "invalid_characters",
    ],
    [
      "half a surrogate pair in the metadata filter",
      `metadata=${encodeURIComponent('{"t":"\\ud800"}')}`,
      "invalid_characters",
    ],
    [
      "a metadata filter nested too deep",
      `metadata=${encodeURIComponent(deeplyNested(500))}`,
      "metadata_too_deep",
    ],
    ["year 0000", "createdFrom=0000-01-01T00:00:00Z", "invalid_request"],
    ["a time an offset pushes past 9999", "fetchedTo=9999-12-31T23:59:00-01:00", "invalid_request"],
  ])("%s is a 400", async (_label, query, code) => {
    const response = await stack.api(`/v1/artifacts?${query}`, { token });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code });
  });

  it("a NUL in an audit filter is a 400, not a database error", async () => {
    const response = await stack.api("/v1/audit?actor=user%00", { token: adminToken });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_characters" });
  });
});

describe("request size limits", () => {
  it("headers over 16 KiB are refused by the server before any function runs", async () => {
    const response = await stack.api("/v1/health", { headers: { "x-padding": "x".repeat(20_000) } });
    expect(response.status).toBe(431);
  });
});
