import type { PresignedPart, UploadCreated } from "@artifact-store/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requires } from "./support/capabilities";
import {
  MiB,
  md5Base64,
  randomBytesOf,
  sha256,
  sha256OfResponse,
  startTestStack,
  type TestStack,
} from "./support/stack";

const PART_SIZE = 5 * MiB;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ UPLOAD_PART_SIZE_BYTES: String(PART_SIZE) });
});
afterAll(() => stack?.close());

const open = async (on: TestStack, bytes: Uint8Array, extra: Record<string, unknown> = {}) => {
  const token = await on.tokenFor(`md5-${crypto.randomUUID().slice(0, 8)}`);
  const response = await on.api("/v1/uploads", {
    method: "POST",
    token,
    body: JSON.stringify({
      filename: "c.bin",
      contentType: "application/octet-stream",
      size: bytes.length,
      sha256: sha256(bytes),
      ...extra,
    }),
  });
  expect(response.status).toBe(201);
  return { created: (await response.json()) as UploadCreated, token };
};

const partOf = (bytes: Uint8Array, partNumber: number) =>
  bytes.subarray((partNumber - 1) * PART_SIZE, partNumber * PART_SIZE);

/** The same bytes with one bit flipped: same length, other content. */
const flipped = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => {
  const copy = new Uint8Array(bytes);
  copy[copy.length >> 1] = (copy[copy.length >> 1] ?? 0) ^ 1;
  return copy;
};

const put = (part: PresignedPart, body: Uint8Array, headers: Record<string, string> = part.headers) =>
  fetch(part.url, { method: "PUT", headers, body: body as Uint8Array<ArrayBuffer> });

const signedHeadersOf = (part: PresignedPart) =>
  new URL(part.url).searchParams.get("X-Amz-SignedHeaders")?.split(";");

const uploadIdOf = async (artifactId: string): Promise<string> => {
  const rows = await stack.runtime.catalog.db.query<{ id: string }>(
    "select id from upload_sessions where artifact_id = $1",
    [artifactId],
  );
  return rows[0]?.id ?? "";
};

describe("storage refuses a part whose bytes differ from the checksum signed into its URL", () => {
  it("a multipart part: other bytes are refused as BadDigest; a changed or missing Content-MD5 breaks the signature", async (context) => {
    await requires(context, stack, "content-md5", "signature-verification");
    const bytes = randomBytesOf(12 * MiB); // parts of 5, 5 and 2 MiB
    const { created, token } = await open(stack, bytes);
    expect(created.mode).toBe("multipart");
    const signed = await stack.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ parts: [{ partNumber: 2, md5: md5Base64(partOf(bytes, 2)) }] }),
    });
    expect(signed.status).toBe(200);
    const [part] = ((await signed.json()) as UploadCreated).parts;
    if (!part) throw new Error("no part URL");
    expect(part.headers).toEqual({ "content-md5": md5Base64(partOf(bytes, 2)) });
    expect(signedHeadersOf(part)).toContain("content-md5");

    const wrong = flipped(partOf(bytes, 2));
    const refused = await put(part, wrong);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("<Code>BadDigest</Code>");
    // The uploader cannot swap in the checksum of its other bytes, nor leave the header out.
    expect((await put(part, wrong, { "content-md5": md5Base64(wrong) })).status).toBe(403);
    expect((await put(part, partOf(bytes, 2), {})).status).toBe(403);

    const status = await stack.api(`/v1/uploads/${created.uploadId}`, { token });
    expect(((await status.json()) as { parts: unknown[] }).parts).toEqual([]);
    expect((await put(part, partOf(bytes, 2))).status).toBe(200);
  });

  it("a single PUT is signed with the MD5 given when the upload opens", async (context) => {
    await requires(context, stack, "content-md5");
    const bytes = randomBytesOf(1000);
    const { created, token } = await open(stack, bytes, { md5: md5Base64(bytes) });
    expect(created.mode).toBe("single");
    const [part] = created.parts;
    if (!part) throw new Error("no PUT URL");
    expect(part.headers).toEqual({
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="c.bin"; filename*=UTF-8''c.bin`,
      "content-md5": md5Base64(bytes),
    });
    expect(signedHeadersOf(part)).toEqual(
      expect.arrayContaining(["content-md5", "content-type", "content-disposition"]),
    );

    const refused = await put(part, flipped(bytes));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("<Code>BadDigest</Code>");
    expect((await put(part, bytes)).status).toBe(200);
    const complete = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(complete.status).toBe(200);
    expect(await complete.json()).toMatchObject({ size: 1000, sha256: sha256(bytes) });
  });
});

describe("the SDK signs every part with its MD5 and recovers from a part storage refused", () => {
  it.for([
    ["multipart, part 2 of 3", 12 * MiB, "2", 3],
    ["a single PUT", 1000, null, 1],
  ] as const)(
    "%s: corrupted on its way the first time, sent again, and the artifact is intact",
    async ([_label, size, target, partCount], context) => {
      await requires(context, stack, "content-md5");
      const bytes = randomBytesOf(size);
      const answers: { partNumber: string | null; outcome: number | string }[] = [];
      let corrupted = false;
      const corruptingOnce: typeof fetch = async (input, init) => {
        if (init?.method !== "PUT") return fetch(input, init);
        const partNumber = new URL(String(input)).searchParams.get("partNumber");
        let body = init.body;
        if (partNumber === target && !corrupted) {
          corrupted = true;
          body = flipped(body as Uint8Array); // a copy: the source's own bytes stay as they are
        }
        try {
          const response = await fetch(input, { ...init, body });
          answers.push({ partNumber, outcome: response.status });
          return response;
        } catch (error) {
          // RGW may drop the connection when it refuses a body, before the 400 reaches us.
          answers.push({ partNumber, outcome: "connection dropped" });
          throw error;
        }
      };
      const client = await stack.clientFor(undefined, { fetch: corruptingOnce });
      const artifact = await client.upload(bytes, { filename: "flaky-link.bin" });

      expect(artifact).toMatchObject({ size, sha256: sha256(bytes) });
      const [refused, ...rest] = answers.filter((answer) => answer.partNumber === target);
      expect([400, "connection dropped"]).toContain(refused?.outcome);
      expect(rest.map((answer) => answer.outcome)).toEqual([200]);
      const stored = answers.filter((answer) => answer.outcome === 200).map((answer) => answer.partNumber);
      expect(new Set(stored).size).toBe(partCount);
      expect(await sha256OfResponse(await client.download(artifact.id))).toBe(sha256(bytes));
    },
  );

  it("the catalogue records the MD5 declared for every part", async () => {
    const bytes = randomBytesOf(12 * MiB);
    const client = await stack.clientFor();
    const artifact = await client.upload(bytes, { filename: "recorded.bin" });
    expect(await stack.runtime.partChecksums.list(await uploadIdOf(artifact.id))).toEqual(
      [1, 2, 3].map((partNumber) => ({ partNumber, md5: md5Base64(partOf(bytes, partNumber)) })),
    );
  });
});

describe("where part checksums are required (the default)", () => {
  it("a URL request without them is refused with part_checksum_required", async () => {
    const bytes = randomBytesOf(12 * MiB);
    const { created, token } = await open(stack, bytes);
    expect(created).toMatchObject({ checksums: { algorithms: ["md5"], required: true }, parts: [] });
    const bare = await stack.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ partNumbers: [1, 2] }),
    });
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({
      error: { code: "part_checksum_required", details: { algorithms: ["md5"], missingParts: [1, 2] } },
    });

    const malformed = await stack.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ parts: [{ partNumber: 1, md5: "d41d8cd98f00b204e9800998ecf8427e" }] }),
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "invalid_request" } });
  });
});

// Last in this file: a test stack serves every function of the process, so this one replaces the first.
describe("where part checksums are optional (UPLOAD_REQUIRE_PART_CHECKSUMS=false)", () => {
  let optional: TestStack;
  beforeAll(async () => {
    optional = await startTestStack({
      UPLOAD_PART_SIZE_BYTES: String(PART_SIZE),
      UPLOAD_REQUIRE_PART_CHECKSUMS: "false",
    });
  });
  afterAll(() => optional?.close());

  it("bare part numbers are still signed, without a checksum; parts given with one are checked", async (context) => {
    await requires(context, optional, "content-md5");
    const bytes = randomBytesOf(12 * MiB);
    const { created, token } = await open(optional, bytes);
    expect(created.checksums).toEqual({ algorithms: ["md5"], required: false });
    expect(created.parts.map((part) => part.partNumber)).toEqual([1, 2, 3]);
    expect(created.parts[0]?.headers).toEqual({});
    expect((await put(created.parts[0] as PresignedPart, partOf(bytes, 1))).status).toBe(200);

    const signed = await optional.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ parts: [{ partNumber: 2, md5: md5Base64(partOf(bytes, 2)) }] }),
    });
    const [part] = ((await signed.json()) as UploadCreated).parts;
    expect((await put(part as PresignedPart, flipped(partOf(bytes, 2)))).status).toBe(400);
  });
});
