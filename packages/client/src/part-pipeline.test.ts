// The read-once pipeline: every part's checksums and the whole SHA-256 from one read of the
// source, in part order, on the hashing thread or this one, never more than `ahead` parts read
// before a sender takes them.
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type ContentHashing, hashingHere, hashingOnThread } from "./part-hashing";
import { PartPipeline, type PreparedPart } from "./part-pipeline";
import type { ByteSource } from "./sources";

const PART = 256 * 1024;

/** Bytes in memory that count how many bytes were read, and how many parts were read at most before one was taken. */
const countingSource = (bytes: Uint8Array) => {
  const reads: [number, number][] = [];
  const source: ByteSource = {
    size: bytes.byteLength,
    name: undefined,
    type: undefined,
    read: async (start, end) => {
      reads.push([start, end]);
      return bytes.subarray(start, end);
    },
    async *chunks() {
      yield bytes;
    },
    close: async () => {},
  };
  return { source, reads };
};

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("base64");
const sha256 = (bytes: Uint8Array, encoding: "hex" | "base64") =>
  createHash("sha256").update(bytes).digest(encoding);

const takeAll = async (pipeline: PartPipeline): Promise<PreparedPart[]> => {
  const parts: PreparedPart[] = [];
  for (let part = await pipeline.take(); part; part = await pipeline.take()) parts.push(part);
  return parts;
};

const hashings: [string, () => Promise<ContentHashing>][] = [
  ["on the hashing thread", hashingOnThread],
  ["on this thread", async () => hashingHere()],
];

describe.each(hashings)("part pipeline, hashing %s", (_, hashing) => {
  it("reads each byte once, for the parts' MD5 and SHA-256, the whole SHA-256 and the bodies", async () => {
    const bytes = new Uint8Array(randomBytes(5 * PART + 123));
    const { source, reads } = countingSource(bytes);
    const layout = { size: bytes.byteLength, partSize: PART, partCount: 6 };
    const pipeline = new PartPipeline(
      source,
      layout,
      [1, 2, 3, 4, 5, 6],
      ["md5", "sha256"],
      await hashing(),
      {
        signal: new AbortController().signal,
        ahead: 2,
      },
    );
    const parts = await takeAll(pipeline);
    pipeline.close();
    expect(await pipeline.sha256).toBe(sha256(bytes, "hex"));
    expect(reads.reduce((sum, [start, end]) => sum + end - start, 0)).toBe(bytes.byteLength);
    expect(parts.map((part) => part.checksum.partNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const { checksum, body } of parts) {
      const expected = bytes.subarray((checksum.partNumber - 1) * PART, checksum.partNumber * PART);
      expect(checksum.md5).toBe(md5(expected));
      expect(checksum.sha256).toBe(sha256(expected, "base64"));
      expect(Buffer.from(body as Uint8Array).equals(expected)).toBe(true);
    }
  });

  it("a resumed upload hashes only the parts still to send, and reads the others for the whole SHA-256", async () => {
    const bytes = new Uint8Array(randomBytes(4 * PART));
    const { source } = countingSource(bytes);
    const layout = { size: bytes.byteLength, partSize: PART, partCount: 4 };
    const pipeline = new PartPipeline(source, layout, [2, 4], ["md5"], await hashing(), {
      signal: new AbortController().signal,
      ahead: 2,
    });
    const parts = await takeAll(pipeline);
    pipeline.close();
    expect(parts.map((part) => part.checksum)).toEqual([
      { partNumber: 2, md5: md5(bytes.subarray(PART, 2 * PART)) },
      { partNumber: 4, md5: md5(bytes.subarray(3 * PART)) },
    ]);
    expect(await pipeline.sha256).toBe(sha256(bytes, "hex"));
  });

  it("with the SHA-256 known, reads only the parts to send", async () => {
    const bytes = new Uint8Array(randomBytes(3 * PART));
    const { source, reads } = countingSource(bytes);
    const layout = { size: bytes.byteLength, partSize: PART, partCount: 3 };
    const pipeline = new PartPipeline(source, layout, [3], ["md5"], await hashing(), {
      sha256: "f".repeat(64),
      signal: new AbortController().signal,
      ahead: 2,
    });
    expect((await takeAll(pipeline)).map((part) => part.checksum.partNumber)).toEqual([3]);
    pipeline.close();
    expect(await pipeline.sha256).toBe("f".repeat(64));
    expect(reads).toEqual([[2 * PART, 3 * PART]]);
  });
});

describe("part pipeline", () => {
  it("reads no more than `ahead` parts before a sender takes them", async () => {
    const bytes = new Uint8Array(8 * PART);
    const { source, reads } = countingSource(bytes);
    const layout = { size: bytes.byteLength, partSize: PART, partCount: 8 };
    const hashed: number[] = [];
    const pipeline = new PartPipeline(source, layout, [1, 2, 3, 4, 5, 6, 7, 8], ["md5"], hashingHere(), {
      sha256: "0".repeat(64),
      signal: new AbortController().signal,
      ahead: 2,
      onHashed: () => hashed.push(hashed.length + 1),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads).toHaveLength(2);
    expect(pipeline.hashedAhead().map((checksum) => checksum.partNumber)).toEqual([1, 2]);
    await pipeline.take();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads).toHaveLength(3);
    expect(pipeline.hashedAhead().map((checksum) => checksum.partNumber)).toEqual([2, 3]);
    await takeAll(pipeline);
    expect(hashed).toHaveLength(8);
  });

  it("stops reading when aborted, and a sender waiting for a part hears why", async () => {
    const bytes = new Uint8Array(8 * PART);
    const { source, reads } = countingSource(bytes);
    const abort = new AbortController();
    const layout = { size: bytes.byteLength, partSize: PART, partCount: 8 };
    const pipeline = new PartPipeline(source, layout, [1, 2, 3, 4, 5, 6, 7, 8], ["md5"], hashingHere(), {
      signal: abort.signal,
      ahead: 1,
    });
    await pipeline.take();
    abort.abort(new Error("stopped"));
    await expect(takeAll(pipeline)).rejects.toThrow("stopped");
    await expect(pipeline.sha256).rejects.toThrow("stopped");
    expect(reads.length).toBeLessThan(8);
  });
});
