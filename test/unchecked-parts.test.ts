import type { ArtifactView, PresignedPart, UploadCreated } from "@artifact-store/api";
import { artifactSidecarKey } from "@artifact-store/core";
import { verifierOf } from "@artifact-store/runtime/storage";
import { GetObjectCommand } from "@aws-sdk/client-s3";
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

// partChecksums: "none", for an uploader that signs a part before it sees its bytes (Uppy 6's
// @uppy/aws-s3 signs { uploadId, partNumber } only): the URLs carry no Content-MD5, and only the
// verifier's hash of the stored bytes vouches for them. Each block has its own stack: a stack
// serves every function of the process, so two cannot run side by side.

const CLIENT_PART = 5 * MiB;

const put = (part: PresignedPart, body: Uint8Array<ArrayBuffer>) =>
  fetch(part.url, { method: "PUT", headers: part.headers, body });

const userToken = (on: TestStack) => on.tokenFor(`unchecked-${crypto.randomUUID().slice(0, 8)}`);

/** Opens a 12 MiB upload in 5 MiB parts without part checksums, and sends every part. */
const sendUnchecked = async (
  on: TestStack,
  token: string,
  bytes: Uint8Array,
  extra: Record<string, unknown>,
) => {
  const opened = await on.api("/v1/uploads", {
    method: "POST",
    token,
    body: JSON.stringify({
      filename: "uppy.bin",
      contentType: "application/octet-stream",
      size: bytes.length,
      partSize: CLIENT_PART,
      partChecksums: "none",
      ...extra,
    }),
  });
  expect(opened.status).toBe(201);
  const created = (await opened.json()) as UploadCreated;
  expect(created.checksums).toEqual({ algorithms: [], required: false });
  // Uppy signs one part at a time, by number only.
  const parts = partsOf(bytes, CLIENT_PART);
  const sent = [];
  for (const [index, part] of parts.entries()) {
    const signed = await on.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ partNumbers: [index + 1] }),
    });
    expect(signed.status).toBe(200);
    const [url] = ((await signed.json()) as { parts: PresignedPart[] }).parts;
    if (!url) throw new Error("no part URL");
    expect(Object.keys(url.headers)).not.toContain("content-md5");
    expect(new URL(url.url).searchParams.get("X-Amz-SignedHeaders")).not.toContain("content-md5");
    const response = await put(url, part);
    expect(response.status).toBe(200);
    sent.push({ partNumber: index + 1, etag: response.headers.get("etag") ?? "" });
  }
  return { created, sent };
};

const complete = (on: TestStack, token: string, uploadId: string, body: unknown) =>
  on.api(`/v1/uploads/${uploadId}/complete`, { method: "POST", token, body: JSON.stringify(body) });

const sidecarOf = async (on: TestStack, artifactId: string) => {
  const object = await on.s3.send(
    new GetObjectCommand({ Bucket: on.bucket, Key: artifactSidecarKey(artifactId) }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? "{}");
};

describe("where the operator does not require part checksums, the server may compute the SHA-256", () => {
  let lenient: TestStack;
  beforeAll(async () => {
    // Verification left to the verifier, not done at completion, to see the artifact before it.
    lenient = await startTestStack({
      UPLOAD_REQUIRE_PART_CHECKSUMS: "false",
      VERIFY_INLINE_MAX_BYTES: "0",
      VERIFY_AT_ONCE: "false",
    });
  });
  afterAll(() => lenient?.close());

  it("with no SHA-256 declared: uploaded, not served until the verifier hashed the stored bytes, then verified with the server's hash", async () => {
    const token = await userToken(lenient);
    const bytes = randomBytesOf(12 * MiB);
    const { created, sent } = await sendUnchecked(lenient, token, bytes, {});
    const completed = await complete(lenient, token, created.uploadId, { parts: sent });
    expect(completed.status).toBe(200);
    const uploaded = (await completed.json()) as ArtifactView;
    expect(uploaded).toMatchObject({ state: "uploaded", sha256: null, integrity: { state: "unverified" } });

    const early = await lenient.api(`/v1/artifacts/${uploaded.id}/download`, { token });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe("artifact_not_verified");

    await verifierOf(lenient.runtime).verifyHandedOff(uploaded.id);
    const verified = (await (
      await lenient.api(`/v1/artifacts/${uploaded.id}`, { token })
    ).json()) as ArtifactView;
    expect(verified).toMatchObject({
      state: "verified",
      sha256: sha256(bytes),
      integrity: { state: "verified", sha256Source: "server" },
    });
    const client = await lenient.clientFor(uploaded.ownerId);
    expect(await sha256OfResponse(await client.download(uploaded.id))).toBe(sha256(bytes));
    expect(await sidecarOf(lenient, uploaded.id)).toMatchObject({
      schemaVersion: 4,
      artifact: { sha256: sha256(bytes), integrity: { sha256Source: "server" } },
    });
  });

  it("with a wrong SHA-256 declared at completion: the server's hash of the stored bytes makes it corrupt", async () => {
    const token = await userToken(lenient);
    const bytes = randomBytesOf(12 * MiB);
    const { created, sent } = await sendUnchecked(lenient, token, bytes, {});
    const wrong = sha256(randomBytesOf(16));
    const completed = await complete(lenient, token, created.uploadId, { sha256: wrong, parts: sent });
    const uploaded = (await completed.json()) as ArtifactView;
    expect(uploaded).toMatchObject({ state: "uploaded", sha256: wrong });

    await verifierOf(lenient.runtime).verifyHandedOff(uploaded.id);
    const corrupt = (await (
      await lenient.api(`/v1/artifacts/${uploaded.id}`, { token })
    ).json()) as ArtifactView;
    expect(corrupt).toMatchObject({
      state: "corrupt",
      sha256: wrong,
      integrity: { reason: "sha256_mismatch", details: { expected: wrong, actual: sha256(bytes) } },
    });
    const refused = await lenient.api(`/v1/artifacts/${uploaded.id}/download`, { token });
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("artifact_corrupt");
  });
});

describe("where part checksums are required (the default), the uploader's SHA-256 still proves the bytes", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it("where part checksums are required, the SHA-256 must still be declared, and it proves the bytes", async () => {
    const token = await userToken(stack);
    const bytes = randomBytesOf(12 * MiB);
    const { created, sent } = await sendUnchecked(stack, token, bytes, {});
    const missing = await complete(stack, token, created.uploadId, { parts: sent });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("sha256_required");

    const done = await complete(stack, token, created.uploadId, { sha256: sha256(bytes), parts: sent });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      state: "verified",
      sha256: sha256(bytes),
      integrity: { sha256Source: "uploader" },
    });
  });

  it("is never silent: checksums sent for such an upload are refused, and a default upload still needs them", async () => {
    const token = await userToken(stack);
    const bytes = randomBytesOf(12 * MiB);
    const body = {
      filename: "x.bin",
      contentType: "application/octet-stream",
      size: bytes.length,
      partSize: CLIENT_PART,
    };
    const withChecksums = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({
        ...body,
        partChecksums: "none",
        parts: [{ partNumber: 1, md5: md5Base64(bytes) }],
      }),
    });
    expect(withChecksums.status).toBe(400);
    expect(((await withChecksums.json()) as { error: { code: string } }).error.code).toBe(
      "part_checksums_not_signed",
    );

    // A single PUT is sent whole, so its MD5 is always signed: an unsigned PUT URL would still
    // take other bytes after the first were verified.
    const single = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({
        filename: "small.bin",
        contentType: "application/octet-stream",
        size: 1024,
        partChecksums: "none",
      }),
    });
    expect(single.status).toBe(400);
    expect(((await single.json()) as { error: { code: string } }).error.code).toBe("invalid_upload_mode");

    const unchecked = (await (
      await stack.api("/v1/uploads", {
        method: "POST",
        token,
        body: JSON.stringify({ ...body, partChecksums: "none" }),
      })
    ).json()) as UploadCreated;
    expect(unchecked.parts.map((part) => part.partNumber)).toEqual([1, 2, 3]);
    const signWithMd5 = await stack.api(`/v1/uploads/${unchecked.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ parts: [{ partNumber: 1, md5: md5Base64(bytes) }] }),
    });
    expect(((await signWithMd5.json()) as { error: { code: string } }).error.code).toBe(
      "part_checksums_not_signed",
    );

    const signed = (await (
      await stack.api("/v1/uploads", { method: "POST", token, body: JSON.stringify(body) })
    ).json()) as UploadCreated;
    const bare = await stack.api(`/v1/uploads/${signed.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ partNumbers: [1] }),
    });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe("part_checksum_required");
  });
});
