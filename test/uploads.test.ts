import { randomUUID } from "node:crypto";
import { readSidecar } from "@artifact-store/artifacts";
import { storageOf } from "@artifact-store/runtime/storage";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MiB,
  randomBytesOf,
  randomFile,
  sha256,
  sha256OfResponse,
  startTestStack,
  type TestStack,
} from "./support/stack";

let stack: TestStack;
const run = randomUUID().slice(0, 8);
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

const THRESHOLD = 8 * MiB;

describe("uploads of every size go straight to storage and come back byte for byte", () => {
  it.each([
    ["0 B", 0, "single"],
    ["1 B", 1, "single"],
    ["threshold - 1", THRESHOLD - 1, "single"],
    ["threshold + 1", THRESHOLD + 1, "multipart"],
  ])("%s from memory", async (_label, size, mode) => {
    const client = await stack.clientFor();
    const bytes = randomBytesOf(size);
    const progress: number[] = [];
    const artifact = await client.upload(bytes, {
      filename: `sample-${size}.bin`,
      contentType: "application/octet-stream",
      onProgress: (p) => progress.push(p.uploadedBytes),
    });

    expect(artifact).toMatchObject({
      size,
      sha256: sha256(bytes),
      state: "verified",
      filename: `sample-${size}.bin`,
    });
    expect(progress.at(-1)).toBe(size);
    const download = await client.download(artifact.id);
    expect(await sha256OfResponse(download)).toBe(sha256(bytes));

    const status = await client.getUpload((await uploadIdOf(artifact.id)) ?? "");
    expect(status).toMatchObject({ state: "completed", mode });
  });

  it("a 100 MiB file from disk, in parallel multipart, with progress", async () => {
    const file = await randomFile(100 * MiB + 123);
    try {
      const client = await stack.clientFor();
      const seen: { partsDone: number; partCount: number }[] = [];
      const artifact = await client.upload(file.path, {
        contentType: "application/x-warc",
        concurrency: 6,
        onProgress: ({ partsDone, partCount }) => seen.push({ partsDone, partCount }),
      });
      expect(artifact).toMatchObject({ size: 100 * MiB + 123, sha256: file.sha256, filename: "random.bin" });
      expect(seen.at(-1)).toEqual({ partsDone: 7, partCount: 7 });
      expect(await sha256OfResponse(await client.download(artifact.id))).toBe(file.sha256);
    } finally {
      await file.remove();
    }
  });

  it("a stream of unknown length is spooled, hashed and uploaded", async () => {
    const client = await stack.clientFor();
    const bytes = randomBytesOf(3 * MiB + 7);
    const stream = new Blob([bytes]).stream();
    const artifact = await client.upload(stream, { filename: "page.html", contentType: "text/html" });
    expect(artifact.sha256).toBe(sha256(bytes));
    expect(await sha256OfResponse(await client.download(artifact.id))).toBe(sha256(bytes));
  });
});

const uploadIdOf = async (artifactId: string): Promise<string | undefined> => {
  const rows = await stack.runtime.catalog.db.query<{ id: string }>(
    "select id from upload_sessions where artifact_id = $1",
    [artifactId],
  );
  return rows[0]?.id;
};

describe("artifacts", () => {
  it("records metadata, tags and visibility given at upload", async () => {
    const client = await stack.clientFor();
    const artifact = await client.upload(randomBytesOf(10), {
      filename: "../../etc/Report Ünïcode.pdf",
      contentType: "application/pdf",
      tags: ["Crawl:2026", "news"],
      metadata: { sourceUrl: "https://example.com/a", status: 200 },
      visibility: "public",
    });
    expect(await client.get(artifact.id)).toMatchObject({
      filename: "Report Ünïcode.pdf",
      contentType: "application/pdf",
      tags: ["crawl:2026", "news"],
      metadata: { sourceUrl: "https://example.com/a", status: 200 },
      visibility: "public",
    });
  });

  it("download redirects to a short-lived presigned URL that names the original file", async () => {
    const client = await stack.clientFor();
    const bytes = randomBytesOf(1000);
    const artifact = await client.upload(bytes, { filename: "résumé 2026.txt", contentType: "text/plain" });
    const token = await stack.tokenFor(artifact.ownerId);

    const redirect = await stack.api(`/v1/artifacts/${artifact.id}/download`, { token });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("cache-control")).toContain("no-store");
    const location = redirect.headers.get("location") ?? "";
    expect(new URL(location).searchParams.get("X-Amz-Expires")).toBe("300");

    const fromStorage = await fetch(location);
    expect(fromStorage.status).toBe(200);
    expect(fromStorage.headers.get("content-disposition")).toBe(
      `attachment; filename="r_sum_ 2026.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%202026.txt`,
    );
    expect(await sha256OfResponse(fromStorage)).toBe(sha256(bytes));

    const json = await stack.api(`/v1/artifacts/${artifact.id}/download?redirect=false`, { token });
    expect(json.status).toBe(200);
    const link = (await json.json()) as { url: string; expiresAt: string };
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(200_000);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
  });

  it("object keys are derived by the server, never from the filename", async () => {
    const client = await stack.clientFor("key-owner");
    const artifact = await client.upload(randomBytesOf(5), {
      filename: "../../../secret.HTML",
      contentType: "text/html",
    });
    expect(await stack.keysUnder("artifacts/users/key-owner/")).toContain(
      `artifacts/users/key-owner/${artifact.id}.html`,
    );
  });

  it("writes a JSON sidecar holding the artifact's record", async () => {
    const client = await stack.clientFor();
    const artifact = await client.upload(randomBytesOf(5), {
      filename: "a.json",
      contentType: "application/json",
    });
    expect(await stack.keysUnder(`metadata/artifacts/${artifact.id}/`)).toEqual([
      `metadata/artifacts/${artifact.id}/metadata.json`,
    ]);
    // A small upload is verified as it completes: the bucket already holds the record as answered.
    expect(artifact.state).toBe("verified");
    const sidecar = readSidecar(
      (await storageOf(stack.runtime).getText(`metadata/artifacts/${artifact.id}/metadata.json`)) ?? "",
    );
    expect(sidecar).toMatchObject({
      ok: true,
      artifact: { id: artifact.id, state: "verified", sha256: artifact.sha256, version: artifact.version },
    });
  });

  it("completing twice answers the same artifact", async () => {
    const client = await stack.clientFor();
    const artifact = await client.upload(randomBytesOf(10), { filename: "x.bin" });
    const uploadId = await uploadIdOf(artifact.id);
    const token = await stack.tokenFor(artifact.ownerId);
    const again = await stack.api(`/v1/uploads/${uploadId}/complete`, { method: "POST", token });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(artifact);
  });

  it("delete removes the object and hides the record; only the owner may delete", async () => {
    const owner = await stack.clientFor();
    const artifact = await owner.upload(randomBytesOf(10), { filename: "gone.bin" });
    const stranger = await stack.tokenFor("someone-else");
    const denied = await stack.api(`/v1/artifacts/${artifact.id}`, { method: "DELETE", token: stranger });
    expect(denied.status).toBe(404);

    const ownerToken = await stack.tokenFor(artifact.ownerId);
    expect(
      (await stack.api(`/v1/artifacts/${artifact.id}`, { method: "DELETE", token: ownerToken })).status,
    ).toBe(204);
    expect((await stack.api(`/v1/artifacts/${artifact.id}`, { token: ownerToken })).status).toBe(404);
    expect((await stack.api(`/v1/artifacts/${artifact.id}/download`, { token: ownerToken })).status).toBe(
      404,
    );
    const record = await stack.runtime.catalog.findArtifact(artifact.id);
    expect(record?.state).toBe("deleted");
    await expect(
      stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: record?.objectKey ?? "" })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it("public artifacts are readable without a token, private ones are not", async () => {
    const client = await stack.clientFor();
    const open = await client.upload(randomBytesOf(3), { filename: "open.txt", visibility: "public" });
    const closed = await client.upload(randomBytesOf(3), { filename: "closed.txt" });
    expect((await stack.api(`/v1/artifacts/${open.id}`)).status).toBe(200);
    expect((await stack.api(`/v1/artifacts/${open.id}/download`)).status).toBe(302);
    expect((await stack.api(`/v1/artifacts/${closed.id}`)).status).toBe(404);
    expect((await stack.api(`/v1/artifacts/${closed.id}/download`)).status).toBe(404);
  });
});

describe("deduplication at upload creation", () => {
  const createBody = (bytes: Uint8Array, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      filename: "dup.bin",
      contentType: "application/octet-stream",
      size: bytes.length,
      sha256: sha256(bytes),
      ...extra,
    });

  it("answers the owner's existing artifact instead of opening an upload", async () => {
    const user = `dedup-${run}`;
    const client = await stack.clientFor(user);
    const bytes = randomBytesOf(64);
    const first = await client.upload(bytes, { filename: "first.bin" });
    const response = await stack.api("/v1/uploads", {
      method: "POST",
      token: await stack.tokenFor(user),
      body: createBody(bytes),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ deduplicated: true, artifactId: first.id, artifact: { id: first.id } });
    expect(body).not.toHaveProperty("uploadId");
    expect(body).not.toHaveProperty("parts");

    // The SDK returns it too, when it knows the hash up front.
    const again = await client.upload(bytes, { filename: "again.bin", sha256: sha256(bytes) });
    expect(again.id).toBe(first.id);
    expect(again.filename).toBe("first.bin");
  });

  it("opens a new upload when asked, for another owner, without a declared hash, or for a dead copy", async () => {
    const user = `dedup-2-${run}`;
    const client = await stack.clientFor(user);
    const bytes = randomBytesOf(64);
    const first = await client.upload(bytes, { filename: "first.bin", sha256: sha256(bytes) });
    // Asked for a new copy.
    const copy = await client.upload(bytes, { filename: "copy.bin", sha256: sha256(bytes), dedupe: false });
    expect(copy.id).not.toBe(first.id);
    // The SDK hashing while it uploads declares nothing up front, so nothing is deduplicated.
    expect((await client.upload(bytes, { filename: "hashed.bin" })).id).not.toBe(first.id);
    // Another owner with the same content.
    const other = await stack.clientFor(`dedup-other-${run}`);
    expect((await other.upload(bytes, { filename: "theirs.bin", sha256: sha256(bytes) })).id).not.toBe(
      first.id,
    );
    // Same hash, other size: not the same content.
    const token = await stack.tokenFor(user);
    const resized = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: createBody(bytes, { size: 65 }),
    });
    expect(resized.status).toBe(201);
    expect(await resized.json()).toMatchObject({ deduplicated: false });
  });

  it("never answers a pending or deleted artifact", async () => {
    const user = `dedup-3-${run}`;
    const client = await stack.clientFor(user);
    const token = await stack.tokenFor(user);
    const bytes = randomBytesOf(48);
    const open = async () => stack.api("/v1/uploads", { method: "POST", token, body: createBody(bytes) });
    expect((await open()).status).toBe(201); // left pending
    expect((await open()).status).toBe(201);
    const uploaded = await client.upload(bytes, { filename: "kept.bin", sha256: sha256(bytes) });
    await client.delete(uploaded.id);
    const response = await open();
    expect(response.status).toBe(201);
  });
});

describe("provenance at upload creation", () => {
  it("refuses provenance that is not what it claims to be", async () => {
    const token = await stack.tokenFor(`uploader-${run}`);
    for (const [provenance, code] of [
      [{ sourceUrl: "ftp://example.com/x" }, "invalid_provenance"],
      [{ sourceUrl: "not a url" }, "invalid_request"],
      [{ httpStatus: 700 }, "invalid_request"],
      [{ fetchedAt: "last tuesday" }, "invalid_request"],
      [{ jobId: "has spaces" }, "invalid_request"],
      [{ headers: { "bad header": "x" } }, "invalid_provenance"],
      [{ referrer: "https://example.com/" }, "invalid_request"],
    ] as const) {
      const response = await stack.api("/v1/uploads", {
        method: "POST",
        token,
        body: JSON.stringify({ filename: "p.bin", contentType: "text/plain", size: 1, provenance }),
      });
      expect(response.status, JSON.stringify(provenance)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });
});
