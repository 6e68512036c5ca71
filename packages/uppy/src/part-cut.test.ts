import { describe, expect, it } from "vitest";
import { planDisagreement, uppyPartSize } from "./part-cut";

const MiB = 1024 * 1024;

/** The cut @uppy/aws-s3 6.x makes (lib/S3Uploader.js) from what getChunkSize answers. */
const uppy6Cut = (size: number, answered: number): number => {
  let chunk = Math.max(answered, 5 * MiB);
  if (Math.ceil(size / chunk) > 10_000) chunk = Math.ceil(size / 10_000);
  return chunk;
};

/** The cut @uppy/aws-s3 5.x makes (lib/MultipartUploader.js). */
const uppy5Cut = (size: number, answered: number): number => {
  const chunk = Math.max(answered, 5 * MiB);
  return Math.floor(size / chunk) > 10_000 ? size / 10_000 : chunk;
};

describe("uppyPartSize, what getChunkSize answers and the upload is opened with", () => {
  it.each([
    [1024, 5 * MiB, 5 * MiB],
    [30 * MiB, 5 * MiB, 5 * MiB],
    [30 * MiB, 6 * MiB, 6 * MiB],
    [30 * MiB, 1 * MiB, 5 * MiB],
    [100_000 * MiB, 5 * MiB, 10 * MiB],
    [100_000 * MiB + 1, 8 * MiB, 10 * MiB + 1],
  ])("for %i bytes preferring %i answers %i", (size, preferred, expected) => {
    expect(uppyPartSize(size, preferred)).toBe(expected);
  });

  it.each([1, 5 * MiB, 30 * MiB, 50_000 * MiB, 50_000 * MiB + 7, 4.9 * 1024 * 1024 * MiB])(
    "is the cut Uppy 5 and 6 make of %i bytes, which they leave as it is",
    (size) => {
      for (const preferred of [1, 5 * MiB, 6 * MiB, 64 * MiB]) {
        const cut = uppyPartSize(size, preferred);
        expect(uppy6Cut(size, cut)).toBe(cut);
        expect(uppy5Cut(size, cut)).toBe(cut);
        expect(Math.ceil(size / cut)).toBeLessThanOrEqual(10_000);
      }
    },
  );
});

describe("planDisagreement", () => {
  it("accepts the store's plan in Uppy's cut", () => {
    expect(planDisagreement(30 * MiB, 6 * MiB, { mode: "multipart", partSize: 6 * MiB, partCount: 5 })).toBe(
      undefined,
    );
  });

  it.each([
    [{ mode: "single" as const, partSize: 30 * MiB, partCount: 1 }, /single upload/],
    [
      { mode: "multipart" as const, partSize: 5 * MiB, partCount: 6 },
      /5242880-byte parts where Uppy cuts 6291456/,
    ],
    [{ mode: "multipart" as const, partSize: 6 * MiB + 0.5, partCount: 5 }, /parts where Uppy cuts/],
    [{ mode: "multipart" as const, partSize: 6 * MiB, partCount: 6 }, /6 parts where Uppy cuts 5/],
  ])("refuses %o", (answered, message) => {
    expect(planDisagreement(30 * MiB, 6 * MiB, answered)).toMatch(message);
  });

  it("refuses more than 10,000 parts", () => {
    expect(
      planDisagreement(10_001 * 5 * MiB, 5 * MiB, {
        mode: "multipart",
        partSize: 5 * MiB,
        partCount: 10_001,
      }),
    ).toMatch(/10001 parts/);
  });
});
