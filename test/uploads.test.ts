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
