import { describe, expect, it } from "vitest";
import { GroupCommit } from "./group-commit";

/** A flush that records its batches and finishes when told to. */
const recordingFlush = () => {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const flush = (items: number[]) =>
    new Promise<string[]>((resolve) => {
      batches.push(items);
      pending.push(() => resolve(items.map((item) => `done ${item}`)));
    });
  const finishNext = async () => {
    while (pending.length === 0) await new Promise((resolve) => setImmediate(resolve));
    pending.shift()?.();
  };
  return { batches, flush, finishNext };
};

describe("GroupCommit", () => {
  it("flushes what arrives together as one batch and what arrives during a flush as the next", async () => {
    const { batches, flush, finishNext } = recordingFlush();
    const queue = new GroupCommit(flush, 100);
    const first = [queue.submit(1), queue.submit(2)];
    await finishNext();
    const second = [queue.submit(3), queue.submit(4), queue.submit(5)];
    await finishNext();
    expect(await Promise.all([...first, ...second])).toEqual([
      "done 1",
      "done 2",
      "done 3",
      "done 4",
      "done 5",
    ]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it("runs one flush at a time and keeps the order items were submitted in", async () => {
    const { batches, flush, finishNext } = recordingFlush();
    const queue = new GroupCommit(flush, 100);
    const all = [queue.submit(1)];
    await new Promise((resolve) => setImmediate(resolve));
    for (let item = 2; item <= 6; item += 1) all.push(queue.submit(item));
    await finishNext();
    all.push(queue.submit(7));
    await finishNext();
    await finishNext();
    await Promise.all(all);
    expect(batches).toEqual([[1], [2, 3, 4, 5, 6], [7]]);
  });

  it("never puts more than maxBatch items in one flush", async () => {
    const batches: number[][] = [];
    const queue = new GroupCommit(async (items: number[]) => {
      batches.push(items);
      return items;
    }, 3);
    expect(await Promise.all(Array.from({ length: 8 }, (_, i) => queue.submit(i)))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(batches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
  });

  it("rejects every caller of a failed flush, and only those, then carries on", async () => {
    let calls = 0;
    const queue = new GroupCommit(async (items: number[]) => {
      calls += 1;
      if (calls === 1) throw new Error("connection lost");
      return items.map((item) => item * 10);
    }, 2);
    const settled = await Promise.allSettled([1, 2, 3, 4].map((item) => queue.submit(item)));
    expect(
      settled.map((result) => (result.status === "fulfilled" ? result.value : result.reason.message)),
    ).toEqual(["connection lost", "connection lost", 30, 40]);
    expect(await queue.submit(5)).toBe(50);
  });

  it("rejects every caller when a flush answers for fewer items than it was given", async () => {
    const queue = new GroupCommit(async (items: number[]) => items.slice(1), 10);
    const settled = await Promise.allSettled([queue.submit(1), queue.submit(2)]);
    expect(settled.map((result) => result.status)).toEqual(["rejected", "rejected"]);
  });
});
