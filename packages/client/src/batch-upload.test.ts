// Fault paths of uploadMany's PUTs, on a fake fetch: they share upload()'s send loop, so a reset,
// a BadDigest and an expired URL are met as upload() meets them. That batches really work is
// proven against a real S3 server in test/upload-batches.test.ts.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ArtifactStoreClient } from "./client";
import { SourceChangedError } from "./errors";

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("base64");
const expiresAt = () => new Date(Date.now() + 900_000).toISOString();
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

type StorageAnswer = number | "reset" | ((body: Uint8Array) => Promise<number> | number);

/**
 * The batch API as the server answers it, and storage answering each object's PUTs in turn from
 * `answers` (then 200): a status (S3 error bodies), "reset" for a cut connection, or a function.
 */
const fakeStore = (answers: Record<number, StorageAnswer[]>) => {
  const puts: { object: number; url: string; body: Uint8Array }[] = [];
  const signed: { uploadId: string; parts: unknown }[] = [];
  const declared: { md5: string }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const body = init?.body;
    if (url.pathname === "/v1/uploads/batch") {
      const { uploads } = JSON.parse(String(body)) as { uploads: { md5: string }[] };
      declared.push(...uploads);
      return Response.json({
        results: uploads.map((upload, index) => ({
          index,
          ok: true,
          status: 201,
          upload: {
            deduplicated: false,
            uploadId: idOf(index),
            artifactId: idOf(100 + index),
            mode: "single",
            partSize: 1,
            partCount: 1,
            checksums: { algorithms: ["md5"], required: true },
            parts: [
              {
                partNumber: 1,
                url: `http://storage.invalid/${index}?signature=first`,
                method: "PUT",
                headers: { "content-md5": upload.md5 },
              },
            ],
            expiresAt: expiresAt(),
          },
        })),
      });
    }
    const resign = /^\/v1\/uploads\/([^/]+)\/parts$/.exec(url.pathname);
    if (resign?.[1]) {
      const uploadId = resign[1];
      const { parts } = JSON.parse(String(body)) as { parts: { partNumber: number; md5: string }[] };
      signed.push({ uploadId, parts });
      return Response.json({
        uploadId,
        expiresAt: expiresAt(),
        parts: parts.map(({ partNumber, md5 }) => ({
          partNumber,
          url: `http://storage.invalid/${Number(uploadId.slice(-12))}?signature=again`,
          method: "PUT",
          headers: { "content-md5": md5 },
        })),
      });
    }
    if (url.pathname === "/v1/uploads/complete") {
      const { uploads } = JSON.parse(String(body)) as { uploads: { uploadId: string }[] };
      return Response.json({
        results: uploads.map(({ uploadId }, index) => ({
          index,
          ok: true,
          status: 200,
          artifact: { id: idOf(100 + Number(uploadId.slice(-12))), state: "verified" },
        })),
      });
    }
    const object = Number(url.pathname.slice(1));
    const bytes = new Uint8Array(await new Response(body).arrayBuffer());
    puts.push({ object, url: String(input), body: bytes });
    const answer = answers[object]?.shift() ?? 200;
    if (answer === "reset") throw new TypeError("fetch failed", { cause: new Error("other side closed") });
    const status = typeof answer === "function" ? await answer(bytes) : answer;
    const error = status === 400 ? "BadDigest" : status === 403 ? "AccessDenied" : "InternalError";
    return new Response(status === 200 ? null : `<Error><Code>${error}</Code></Error>`, { status });
  };
  return {
    puts,
    signed,
    declared,
    client: new ArtifactStoreClient({
      baseUrl: "http://api.invalid",
      token: "t",
      fetch,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    }),
  };
};

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

describe("uploadMany's PUTs", () => {
  it("are sent again after a reset, a BadDigest and a 5xx, and re-signed after a 403", async () => {
    const sources = [1, 2, 3, 4].map((n) => new Uint8Array([n, n, n]));
    const store = fakeStore({ 0: ["reset"], 1: [400], 2: [403], 3: [503] });
    const results = await store.client.uploadMany(
      sources.map((source, n) => ({ source, options: { filename: `${n}.bin` } })),
    );
    expect(results.map((result) => result.ok && result.artifact.id)).toEqual(
      [0, 1, 2, 3].map((n) => idOf(100 + n)),
    );
    // Every object twice, whole each time.
    for (const n of [0, 1, 2, 3]) {
      const bodies = store.puts.filter((put) => put.object === n).map((put) => [...put.body]);
      expect(bodies).toEqual([[...(sources[n] as Uint8Array)], [...(sources[n] as Uint8Array)]]);
    }
    // Only the refused URL was signed again, through the upload's own sign route, with its MD5.
    expect(store.signed).toEqual([
      { uploadId: idOf(2), parts: [{ partNumber: 1, md5: md5(sources[2] as Uint8Array) }] },
    ]);
    expect(store.puts.filter((put) => put.object === 2).map((put) => put.url)).toEqual([
      "http://storage.invalid/2?signature=first",
      "http://storage.invalid/2?signature=again",
    ]);
  });

  it("a file that changed before its resend after a BadDigest fails alone with SourceChangedError", async () => {
    const folder = await mkdtemp(join(tmpdir(), "batch-upload-"));
    folders.push(folder);
    const changing = join(folder, "changing.html");
    const steady = join(folder, "steady.html");
    await writeFile(changing, "first version");
    await writeFile(steady, "steady");
    const store = fakeStore({
      0: [
        async () => {
          await writeFile(changing, "second version");
          return 400;
        },
      ],
    });
    const [changed, kept] = await store.client.uploadMany([changing, steady]);
    expect(changed).toMatchObject({ ok: false });
    expect(changed?.ok === false && changed.error).toBeInstanceOf(SourceChangedError);
    expect(kept).toMatchObject({ ok: true, artifact: { id: idOf(101) } });
    expect(store.puts.filter((put) => put.object === 0)).toHaveLength(1);
  });

  it("an object refused on every attempt fails alone after its retries", async () => {
    const store = fakeStore({ 0: Array.from({ length: 10 }, () => 500 as const) });
    const results = await store.client.uploadMany(
      [new Uint8Array([1]), new Uint8Array([2])].map((source, n) => ({
        source,
        options: { filename: `${n}.bin`, retry: { retries: 2 } },
      })),
    );
    expect(results[0]).toMatchObject({ ok: false, error: { name: "PartRejectedError", status: 500 } });
    expect(results[1]).toMatchObject({ ok: true });
    expect(store.puts.filter((put) => put.object === 0)).toHaveLength(3);
  });
});
