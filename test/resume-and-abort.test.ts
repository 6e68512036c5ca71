import type { UploadCreated } from "@artifact-store/api";
import { UploadInterruptedError } from "@artifact-store/client";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requires } from "./support/capabilities";
import { openRawUpload, partOf, sendRawPart } from "./support/raw-uploads";
import {
  MiB,
  md5Base64,
  randomBytesOf,
  randomFile,
  sha256,
  sha256OfResponse,
  startTestStack,
  type TestStack,
} from "./support/stack";

let stack: TestStack;
beforeAll(async () => {
  // Small parts, so a few MiB make a many-part upload.
  stack = await startTestStack({ UPLOAD_PART_SIZE_BYTES: String(5 * MiB), UPLOAD_INITIAL_PART_URLS: "2" });
});
afterAll(() => stack?.close());

/** Opens an upload through the API, as a browser would, and returns its answer and the caller's token. */
const openUpload = async (bytes: Uint8Array<ArrayBuffer>, filename = "raw.bin") => {
  const token = await stack.tokenFor(`raw-${crypto.randomUUID().slice(0, 8)}`);
  return { created: await openRawUpload(stack.api, token, bytes, { filename }), token };
};

const sendPart = (...args: [string, UploadCreated, number, Uint8Array<ArrayBuffer>]) =>
  sendRawPart(stack.api, ...args);

const putPart = async (...args: Parameters<typeof sendPart>) => {
  expect(await sendPart(...args)).toBe(200);
};

const slice = partOf;

describe("resume", () => {
  it("an upload cut off half-way resumes from the parts storage holds, and sends only the rest", async () => {
    const file = await randomFile(40 * MiB + 17); // 9 parts of 5 MiB
    try {
      const client = await stack.clientFor("resumer");
      const stop = new AbortController();
      const interrupted = await client
        .upload(file.path, {
          concurrency: 2,
          signal: stop.signal,
          onProgress: ({ partsDone }) => {
            if (partsDone >= 4) stop.abort(new Error("connection dropped"));
          },
        })
        .catch((error: unknown) => error);
      expect(interrupted).toBeInstanceOf(UploadInterruptedError);
      const { uploadId } = interrupted as UploadInterruptedError;

      const status = await client.getUpload(uploadId);
      expect(status.state).toBe("open");
      expect(status.partCount).toBe(9);
      const held = status.parts.map((part) => part.partNumber);
      expect(held.length).toBeGreaterThanOrEqual(4);
      expect(held.length).toBeLessThan(9);

      const puts = new Set<string | null>();
      const counting: typeof fetch = (input, init) => {
        // Parts sent, not requests: a part whose connection dropped is sent again.
        if (init?.method === "PUT") puts.add(new URL(String(input)).searchParams.get("partNumber"));
        return fetch(input, init);
      };
      const resumer = await stack.clientFor("resumer", { fetch: counting });
      const artifact = await resumer.upload(file.path, { uploadId });
      // A part in flight at the cut may still land in storage afterwards, so at most the rest is sent.
      expect(puts.size).toBeGreaterThan(0);
      expect(puts.size).toBeLessThanOrEqual(9 - held.length);
      expect(artifact.sha256).toBe(file.sha256);
      expect(await sha256OfResponse(await resumer.download(artifact.id))).toBe(file.sha256);
    } finally {
      await file.remove();
    }
  });
});

describe("abort", () => {
  it("frees the parts in storage, and the upload can no longer be completed or signed", async () => {
    const bytes = randomBytesOf(12 * MiB);
    const { created, token } = await openUpload(bytes);
    expect(created.mode).toBe("multipart");
    await putPart(token, created, 1, slice(bytes, created, 1));

    expect((await stack.api(`/v1/uploads/${created.uploadId}`, { method: "DELETE", token })).status).toBe(
      204,
    );
    expect((await stack.api(`/v1/uploads/${created.uploadId}`, { method: "DELETE", token })).status).toBe(
      204,
    );

    const open = await stack.s3.send(new ListMultipartUploadsCommand({ Bucket: stack.bucket }));
    expect((open.Uploads ?? []).map((upload) => upload.UploadId)).not.toContain(created.uploadId);
    const status = await stack.api(`/v1/uploads/${created.uploadId}`, { token });
    expect(await status.json()).toMatchObject({ state: "aborted", parts: [] });

    const complete = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(complete.status).toBe(409);
    expect(await complete.json()).toMatchObject({ error: { code: "upload_aborted" } });
    const sign = await stack.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ parts: [{ partNumber: 2, md5: md5Base64(slice(bytes, created, 2)) }] }),
    });
    expect(sign.status).toBe(409);
    expect((await stack.api(`/v1/artifacts/${created.artifactId}`, { token })).status).toBe(404);
  });

  it("of a completed upload is refused: the artifact is deleted instead", async () => {
    const bytes = randomBytesOf(100);
    const { created, token } = await openUpload(bytes);
    await putPart(token, created, 1, bytes);
    expect(
      (await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token })).status,
    ).toBe(200);
    const abort = await stack.api(`/v1/uploads/${created.uploadId}`, { method: "DELETE", token });
    expect(abort.status).toBe(409);
    expect(await abort.json()).toMatchObject({ error: { code: "upload_completed" } });
  });
});

describe("complete checks what storage holds, not what the client says", () => {
  it("a missing part is named, and the upload stays open to finish", async () => {
    const bytes = randomBytesOf(12 * MiB); // parts 1-3 of 5, 5 and 2 MiB
    const { created, token } = await openUpload(bytes);
    await putPart(token, created, 1, slice(bytes, created, 1));
    await putPart(token, created, 3, slice(bytes, created, 3));

    const complete = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(complete.status).toBe(409);
    expect(await complete.json()).toMatchObject({
      error: { code: "upload_incomplete", details: { missingParts: [2] } },
    });

    await putPart(token, created, 2, slice(bytes, created, 2));
    const retried = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ size: bytes.length, state: "verified" });
  });

  it("storage itself refuses a part longer or shorter than the plan's, and keeps nothing of it", async (context) => {
    await requires(context, stack, "signature-verification");
    const bytes = randomBytesOf(12 * MiB);
    const { created, token } = await openUpload(bytes);
    await putPart(token, created, 1, slice(bytes, created, 1));
    await putPart(token, created, 2, slice(bytes, created, 2));
    // The part's size is signed into its URL (with its MD5, which these bodies carry correctly).
    expect(await sendPart(token, created, 3, slice(bytes, created, 3).subarray(1))).toBe(403);
    expect(await sendPart(token, created, 3, new Uint8Array(randomBytesOf(2 * MiB + 1)))).toBe(403);

    const status = await (await stack.api(`/v1/uploads/${created.uploadId}`, { token })).json();
    expect(status.parts.map((part: { partNumber: number }) => part.partNumber)).toEqual([1, 2]);
    const complete = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(complete.status).toBe(409);
    expect(await complete.json()).toMatchObject({
      error: { code: "upload_incomplete", details: { missingParts: [3] } },
    });
    expect((await (await stack.api(`/v1/artifacts/${created.artifactId}`, { token })).json()).state).toBe(
      "pending",
    );

    await putPart(token, created, 3, slice(bytes, created, 3));
    const retried = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ size: bytes.length, state: "verified" });
  });

  it("storage itself refuses a single PUT of another size than declared, and keeps nothing", async (context) => {
    await requires(context, stack, "signature-verification");
    const bytes = randomBytesOf(1024);
    const { created, token } = await openUpload(bytes);
    expect(created.mode).toBe("single");
    expect(await sendPart(token, created, 1, bytes.subarray(0, 1000))).toBe(403);
    expect(await sendPart(token, created, 1, randomBytesOf(5 * MiB))).toBe(403);
    expect(await stack.keysUnder(`artifacts/`)).not.toContainEqual(
      expect.stringContaining(created.artifactId),
    );
    const complete = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(complete.status).toBe(409);
    expect(await complete.json()).toMatchObject({
      error: { code: "upload_incomplete", details: { missingParts: [1] } },
    });
  });

  it("nothing uploaded at all is an incomplete upload", async () => {
    const bytes = randomBytesOf(10);
    const { created, token } = await openUpload(bytes);
    const complete = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(complete.status).toBe(409);
    expect(await complete.json()).toMatchObject({
      error: { code: "upload_incomplete", details: { missingParts: [1] } },
    });
  });
});

describe("the SHA-256 is declared when the upload opens or when it completes", () => {
  const openWithout = async (bytes: Uint8Array<ArrayBuffer>) => {
    const token = await stack.tokenFor(`late-hash-${crypto.randomUUID().slice(0, 8)}`);
    const response = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({
        filename: "h.bin",
        contentType: "application/octet-stream",
        size: bytes.length,
      }),
    });
    const created = (await response.json()) as UploadCreated;
    await putPart(token, created, 1, bytes);
    return { created, token };
  };
  const complete = (uploadId: string, token: string, body?: object) =>
    stack.api(`/v1/uploads/${uploadId}/complete`, {
      method: "POST",
      token,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it("declared at completion, it is recorded", async () => {
    const bytes = randomBytesOf(50);
    const { created, token } = await openWithout(bytes);
    const done = await complete(created.uploadId, token, { sha256: sha256(bytes) });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ sha256: sha256(bytes), state: "verified" });
  });

  it("declared nowhere, completion is refused until it is", async () => {
    const bytes = randomBytesOf(50);
    const { created, token } = await openWithout(bytes);
    const refused = await complete(created.uploadId, token);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: "sha256_required" } });
    expect((await complete(created.uploadId, token, { sha256: sha256(bytes) })).status).toBe(200);
  });

  it("declared twice, the two must agree", async () => {
    const bytes = randomBytesOf(50);
    const { created, token } = await openUpload(bytes);
    await putPart(token, created, 1, bytes);
    const refused = await complete(created.uploadId, token, { sha256: "f".repeat(64) });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: "sha256_mismatch" } });
  });
});

describe("batch signing", () => {
  it("create signs no part before it knows its checksum; the parts endpoint signs them in batches", async () => {
    const bytes = randomBytesOf(26 * MiB); // 6 parts
    const { created, token } = await openUpload(bytes);
    expect(created.partCount).toBe(6);
    expect(created.checksums).toEqual({ algorithms: ["md5"], required: true });
    expect(created.parts).toEqual([]);
    const checksums = (partNumbers: number[]) =>
      partNumbers.map((partNumber) => ({ partNumber, md5: md5Base64(slice(bytes, created, partNumber)) }));
    const signed = await stack.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ parts: checksums([3, 4, 5, 6]) }),
    });
    expect(((await signed.json()) as UploadCreated).parts.map((part) => part.partNumber)).toEqual([
      3, 4, 5, 6,
    ]);
    const outOfRange = await stack.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ parts: [{ partNumber: 7, md5: md5Base64(new Uint8Array()) }] }),
    });
    expect(outOfRange.status).toBe(400);
    expect(await outOfRange.json()).toMatchObject({ error: { code: "invalid_part_number" } });
  });
});
