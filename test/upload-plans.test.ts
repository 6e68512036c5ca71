import type { ArtifactView, PresignedPart, UploadCreated, UploadPlanView } from "@artifact-store/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MiB,
  md5Base64,
  partsOf,
  randomBytesOf,
  sha256,
  sha256OfResponse,
  startTestStack,
  type TestStack,
} from "./support/stack";

// What an uploader that slices before it opens (Uppy) needs from the server: the plan and its
// limits up front, its own part size, and completion from the parts it names.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

const CLIENT_PART = 5 * MiB;

const put = (part: PresignedPart, body: Uint8Array<ArrayBuffer>) =>
  fetch(part.url, { method: "PUT", headers: part.headers, body });

const userToken = () => stack.tokenFor(`plan-${crypto.randomUUID().slice(0, 8)}`);

const openBody = (bytes: Uint8Array, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    filename: "sliced.bin",
    contentType: "application/octet-stream",
    size: bytes.length,
    sha256: sha256(bytes),
    ...extra,
  });

describe("an uploader learns the plan before it slices", () => {
  it("GET /v1/uploads/plan answers the plan for a size and the limits any plan keeps to", async () => {
    const token = await userToken();
    const small = await stack.api("/v1/uploads/plan?size=1000", { token });
    expect(small.status).toBe(200);
    expect(await small.json()).toEqual({
      size: 1000,
      mode: "single",
      partSize: 1000,
      partCount: 1,
      singleUploadThreshold: 8 * MiB,
      preferredPartSize: 16 * MiB,
      minPartSize: 5 * MiB,
      maxPartSize: 5 * 1024 * MiB,
      maxParts: 10_000,
      maxObjectSize: expect.any(Number),
      maxSinglePutSize: 5 * 1024 * MiB,
      checksums: { algorithms: expect.arrayContaining(["md5"]), required: true },
    });

    const large = (await (
      await stack.api(`/v1/uploads/plan?size=${40 * MiB}`, { token })
    ).json()) as UploadPlanView;
    expect(large).toMatchObject({ mode: "multipart", partSize: 16 * MiB, partCount: 3 });

    const chosen = await stack.api(`/v1/uploads/plan?size=${12 * MiB}&partSize=${CLIENT_PART}`, { token });
    expect(await chosen.json()).toMatchObject({ mode: "multipart", partSize: CLIENT_PART, partCount: 3 });
  });

  it("refuses a part size S3 would not take with 400 invalid_part_size, on the plan and on opening", async () => {
    const token = await userToken();
    const planned = await stack.api(`/v1/uploads/plan?size=${12 * MiB}&partSize=${MiB}`, { token });
    expect(planned.status).toBe(400);
    expect(await planned.json()).toMatchObject({
      error: { code: "invalid_part_size", details: { minPartSize: 5 * MiB, maxParts: 10_000 } },
    });

    const bytes = randomBytesOf(1024);
    for (const partSize of [5 * MiB - 1, 5 * 1024 * MiB + 1]) {
      const opened = await stack.api("/v1/uploads", {
        method: "POST",
        token,
        body: JSON.stringify({
          filename: "x.bin",
          contentType: "application/octet-stream",
          size: 12 * MiB,
          partSize,
        }),
      });
      expect(opened.status).toBe(400);
      expect(((await opened.json()) as { error: { code: string } }).error.code).toBe("invalid_part_size");
    }
    // 10,001 parts of 5 MiB: too many for S3.
    const tooMany = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({
        filename: "x.bin",
        contentType: "application/octet-stream",
        size: 10_000 * CLIENT_PART + 1,
        partSize: CLIENT_PART,
      }),
    });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { code: string } }).error.code).toBe("invalid_part_size");

    const contradictory = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: openBody(bytes, { multipart: true, size: 0 }),
    });
    expect(contradictory.status).toBe(400);
    expect(((await contradictory.json()) as { error: { code: string } }).error.code).toBe(
      "invalid_upload_mode",
    );
  });

  it("a 12 MiB file in the uploader's 5 MiB parts: URLs, signed lengths and completion follow them", async () => {
    const token = await userToken();
    const bytes = randomBytesOf(12 * MiB);
    const parts = partsOf(bytes, CLIENT_PART);
    const opened = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: openBody(bytes, {
        partSize: CLIENT_PART,
        parts: parts.map((part, index) => ({ partNumber: index + 1, md5: md5Base64(part) })),
      }),
    });
    expect(opened.status).toBe(201);
    const created = (await opened.json()) as UploadCreated;
    expect(created).toMatchObject({ mode: "multipart", partSize: CLIENT_PART, partCount: 3 });
    expect(created.parts.map((part) => part.partNumber)).toEqual([1, 2, 3]);

    // Storage holds each URL to its length: a 5 MiB part's URL refuses the 2 MiB remainder.
    const [first] = created.parts;
    if (!first) throw new Error("no part URL");
    expect((await put(first, parts[2] as Uint8Array<ArrayBuffer>)).ok).toBe(false);

    const sent = await Promise.all(created.parts.map((part, index) => put(part, parts[index] as never)));
    expect(sent.map((response) => response.status)).toEqual([200, 200, 200]);
    const status = await (await stack.api(`/v1/uploads/${created.uploadId}`, { token })).json();
    expect(status).toMatchObject({ partSize: CLIENT_PART, partCount: 3 });

    const completed = await stack.api(`/v1/uploads/${created.uploadId}/complete`, {
      method: "POST",
      token,
      body: JSON.stringify({
        parts: sent.map((response, index) => ({ partNumber: index + 1, etag: response.headers.get("etag") })),
      }),
    });
    expect(completed.status).toBe(200);
    const artifact = (await completed.json()) as ArtifactView;
    expect(artifact).toMatchObject({ state: "verified", size: bytes.length, sha256: sha256(bytes) });
    const client = await stack.clientFor(artifact.ownerId);
    expect(await sha256OfResponse(await client.download(artifact.id))).toBe(sha256(bytes));
  });

  it("multipart: false and true choose the mode whatever the threshold", async () => {
    const token = await userToken();
    const bytes = randomBytesOf(9 * MiB); // over the 8 MiB threshold
    const single = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: openBody(bytes, { multipart: false, md5: md5Base64(bytes) }),
    });
    expect(single.status).toBe(201);
    const opened = (await single.json()) as UploadCreated;
    expect(opened).toMatchObject({ mode: "single", partCount: 1, partSize: bytes.length });
    const [url] = opened.parts;
    if (!url) throw new Error("no PUT URL");
    expect((await put(url, bytes)).status).toBe(200);
    const done = await stack.api(`/v1/uploads/${opened.uploadId}/complete`, { method: "POST", token });
    expect(await done.json()).toMatchObject({ state: "verified", sha256: sha256(bytes) });

    const small = randomBytesOf(1000);
    const multipart = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: openBody(small, { multipart: true, parts: [{ partNumber: 1, md5: md5Base64(small) }] }),
    });
    const parted = (await multipart.json()) as UploadCreated;
    expect(parted).toMatchObject({ mode: "multipart", partCount: 1 });
    const [part] = parted.parts;
    if (!part) throw new Error("no part URL");
    expect((await put(part, small)).status).toBe(200);
    const finished = await stack.api(`/v1/uploads/${parted.uploadId}/complete`, { method: "POST", token });
    expect(await finished.json()).toMatchObject({ state: "verified", sha256: sha256(small) });
  });

  it("a batch opens each item with its own part size, or fails that item alone", async () => {
    const token = await userToken();
    const bytes = randomBytesOf(12 * MiB);
    const response = await stack.api("/v1/uploads/batch", {
      method: "POST",
      token,
      body: JSON.stringify({
        uploads: [
          JSON.parse(openBody(bytes, { partSize: 6 * MiB })),
          JSON.parse(openBody(bytes, { partSize: MiB })),
        ],
      }),
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as {
      results: (
        | { ok: true; upload: UploadCreated }
        | { ok: false; status: number; error: { code: string } }
      )[];
    };
    expect(results[0]).toMatchObject({ ok: true, upload: { partSize: 6 * MiB, partCount: 2 } });
    expect(results[1]).toMatchObject({ ok: false, status: 400, error: { code: "invalid_part_size" } });
  });
});

describe("completion from the uploader's list of parts", () => {
  it("refuses a list that is not what storage holds with 409 parts_mismatch, then completes from the right one", async () => {
    const token = await userToken();
    const bytes = randomBytesOf(12 * MiB);
    const parts = partsOf(bytes, CLIENT_PART);
    const opened = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: openBody(bytes, {
        partSize: CLIENT_PART,
        parts: parts.map((part, index) => ({ partNumber: index + 1, md5: md5Base64(part) })),
      }),
    });
    const created = (await opened.json()) as UploadCreated;
    const sent = await Promise.all(created.parts.map((part, index) => put(part, parts[index] as never)));
    const listed = sent.map((response, index) => ({
      partNumber: index + 1,
      etag: response.headers.get("etag") ?? "",
    }));
    const complete = (body: unknown) =>
      stack.api(`/v1/uploads/${created.uploadId}/complete`, {
        method: "POST",
        token,
        body: JSON.stringify(body),
      });

    const missing = await complete({ parts: listed.slice(0, 2) });
    expect(missing.status).toBe(409);
    expect(await missing.json()).toMatchObject({
      error: { code: "parts_mismatch", details: { notNamed: [3] } },
    });

    const stale = await complete({
      parts: [...listed.slice(0, 2), { partNumber: 3, etag: '"0123456789abcdef"' }],
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({
      error: { code: "parts_mismatch", details: { otherEtag: [{ partNumber: 3 }] } },
    });

    const extra = await complete({ parts: [...listed, { partNumber: 4, etag: "abc" }] });
    expect(await extra.json()).toMatchObject({
      error: { code: "parts_mismatch", details: { notInStorage: [4] } },
    });

    // A list as long as a large upload's (2,000 parts, ~150 KB) is read and checked, not cut off
    // by the 64 KiB limit of other bodies.
    const long = Array.from({ length: 2000 }, (_, n) => ({ partNumber: n + 1, etag: `"${"e".repeat(32)}"` }));
    const checked = await complete({ parts: long });
    expect(checked.status).toBe(409);
    expect(await checked.json()).toMatchObject({ error: { code: "parts_mismatch" } });

    // ETags compare without their quotes, as S3 means them.
    const unquoted = listed.map((part) => ({ ...part, etag: part.etag.replaceAll('"', "") }));
    const done = await complete({ parts: unquoted });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ state: "verified", sha256: sha256(bytes) });
  });

  it("a batch completion checks each item's list on its own", async () => {
    const token = await userToken();
    const bytes = randomBytesOf(2000);
    const opened = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: openBody(bytes, { md5: md5Base64(bytes) }),
    });
    const created = (await opened.json()) as UploadCreated;
    const [url] = created.parts;
    if (!url) throw new Error("no PUT URL");
    const etag = (await put(url, bytes)).headers.get("etag") ?? "";
    const batch = (parts: unknown) =>
      stack.api("/v1/uploads/complete", {
        method: "POST",
        token,
        body: JSON.stringify({ uploads: [{ uploadId: created.uploadId, parts }] }),
      });
    expect(await (await batch([{ partNumber: 1, etag: "nope" }])).json()).toMatchObject({
      results: [{ ok: false, status: 409, error: { code: "parts_mismatch" } }],
    });
    expect(await (await batch([{ partNumber: 1, etag }])).json()).toMatchObject({
      results: [{ ok: true, artifact: { state: "verified" } }],
    });
  });
});
