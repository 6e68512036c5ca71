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

type Indexed = { index: number };
type StorageAnswer = number | "reset" | ((body: Uint8Array) => Promise<number> | number);

/**
 * The batch API as the server answers it, and storage answering each object's PUTs in turn from
 * `answers` (then 200): a status (S3 error bodies), "reset" for a cut connection, or a function.
 */
const fakeStore = (
  answers: Record<number, StorageAnswer[]>,
  /** What the API answers instead, from what it would answer (a misbehaving server). */
  tamper: { open?: (results: Indexed[]) => Indexed[]; complete?: (results: Indexed[]) => Indexed[] } = {},
) => {
  const puts: { object: number; url: string; body: Uint8Array }[] = [];
  const batches: number[] = [];
  const single: unknown[] = [];
  let opened = 0;
  const signed: { uploadId: string; parts: unknown }[] = [];
  const declared: { md5: string }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const body = init?.body;
    if (url.pathname === "/v1/uploads/batch") {
      const { uploads } = JSON.parse(String(body)) as { uploads: { md5: string }[] };
      declared.push(...uploads);
      batches.push(uploads.length);
      const results = uploads.map((upload, index) => {
        const object = opened++;
        return {
          index,
          ok: true,
          status: 201,
          upload: {
            deduplicated: false,
            uploadId: idOf(object),
            artifactId: idOf(100 + object),
            mode: "single",
            partSize: 1,
            partCount: 1,
            checksums: { algorithms: ["md5"], required: true },
            parts: [
              {
                partNumber: 1,
                url: `http://storage.invalid/${object}?signature=first`,
                method: "PUT",
                headers: { "content-md5": upload.md5 },
              },
            ],
            expiresAt: expiresAt(),
          },
        };
      });
      return Response.json({ results: tamper.open ? tamper.open(results) : results });
    }
    if (url.pathname === "/v1/uploads") {
      // A single upload (a batch item gone alone): answered as a duplicate, nothing to send.
      single.push(JSON.parse(String(body)));
      return Response.json(
        { deduplicated: true, artifactId: idOf(999), artifact: { id: idOf(999), state: "verified" } },
        { status: 200 },
      );
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
      const results = uploads.map(({ uploadId }, index) => ({
        index,
        ok: true,
        status: 200,
        artifact: { id: idOf(100 + Number(uploadId.slice(-12))), state: "verified" },
      }));
      return Response.json({ results: tamper.complete ? tamper.complete(results) : results });
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
    batches,
    single,
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

describe("uploadMany's memory", () => {
  it("holds no more source bytes than maxHeldBytes across the batches under way", async () => {
    const sources = Array.from({ length: 10 }, (_, n) => new Uint8Array(1024).fill(n));
    let finished = 0;
    let mostHeld = 0;
    const slowPut = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished += 1;
      return 200;
    };
    const store = fakeStore(Object.fromEntries(sources.map((_, n) => [n, [slowPut]])));
    const results = await store.client.uploadMany(sources, {
      maxHeldBytes: 3 * 1024,
      onStored: () => {
        mostHeld = Math.max(mostHeld, store.declared.length - finished);
      },
    });
    expect(results.every((result) => result.ok)).toBe(true);
    // Declared but not yet stored means read and held: three sources at most, so small batches.
    expect(mostHeld).toBeLessThanOrEqual(3);
    expect(Math.max(...store.batches)).toBeLessThanOrEqual(3);
    expect(store.batches.reduce((sum, count) => sum + count)).toBe(10);
  });
});

describe("uploadMany's duplicates", () => {
  const pages = (count: number) =>
    Array.from({ length: count }, (_, n) => new TextEncoder().encode(`page ${n}`));

  it("the same content in the next batch, while the first is under way, answers the first's artifact", async () => {
    const sources = [...pages(100), new TextEncoder().encode("page 0")];
    const store = fakeStore({});
    const results = await store.client.uploadMany(sources);
    expect(store.batches).toEqual([100]);
    expect(results[100]).toEqual(results[0]);
    expect(results[0]).toMatchObject({ ok: true, artifact: { id: idOf(100) } });
  });

  it("is uploaded again with dedupe: false", async () => {
    const sources = [...pages(100), new TextEncoder().encode("page 0")];
    const store = fakeStore({});
    const results = await store.client.uploadMany(
      sources.map((source, n) => ({ source, options: n === 100 ? { dedupe: false } : {} })),
    );
    expect(store.batches).toEqual([100, 1]);
    expect(results[100]).toMatchObject({ ok: true, artifact: { id: idOf(200) } });
  });

  it("when the first fails, the same content again uploads on its own", async () => {
    const store = fakeStore({ 0: Array.from({ length: 10 }, () => 500 as const) });
    const same = () => ({
      source: new TextEncoder().encode("same"),
      options: { filename: "same.html", retry: { retries: 2 } },
    });
    const [first, again] = await store.client.uploadMany([same(), same()]);
    expect(store.batches).toEqual([1]);
    expect(first).toMatchObject({ ok: false, error: { name: "PartRejectedError" } });
    expect(again).toMatchObject({ ok: true, artifact: { id: idOf(999) } });
    expect(store.single).toMatchObject([{ filename: "same.html", size: 4 }]);
  });

  it("content of another size or hash is not taken for the same", async () => {
    const store = fakeStore({});
    const results = await store.client.uploadMany([
      new Uint8Array([1, 2]),
      new Uint8Array([1, 2, 0]),
      new Uint8Array([2, 1]),
    ]);
    expect(store.batches).toEqual([3]);
    expect(new Set(results.map((result) => result.ok && result.artifact.id)).size).toBe(3);
  });
});

describe("uploadMany and a server that answers the wrong items", () => {
  it("an open result for an item it was not sent fails that batch's items with a clear error", async () => {
    const store = fakeStore(
      {},
      { open: (results) => results.map((result) => ({ ...result, index: result.index + 5 })) },
    );
    const results = await store.client.uploadMany([new Uint8Array([1]), new Uint8Array([2])]);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(result).toMatchObject({ ok: false });
      expect(result.ok === false && String(result.error)).toMatch(
        /\/v1\/uploads\/batch is not one result per item/,
      );
    }
    expect(store.puts).toHaveLength(0);
  });

  it("a complete answer missing or doubling an item fails them, and the other batches go on", async () => {
    let calls = 0;
    const store = fakeStore(
      {},
      {
        complete: (results) => {
          calls += 1;
          return calls === 1 ? results.map((result) => ({ ...result, index: 0 })) : results;
        },
      },
    );
    const sources = Array.from({ length: 102 }, (_, n) => new TextEncoder().encode(`item ${n}`));
    const results = await store.client.uploadMany(sources);
    expect(results.slice(0, 100).every((result) => result.ok === false)).toBe(true);
    expect(results[0]?.ok === false && String(results[0].error)).toMatch(/\/v1\/uploads\/complete/);
    expect(results.slice(100)).toMatchObject([{ ok: true }, { ok: true }]);
  });
});
