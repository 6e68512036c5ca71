import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  DEFAULT_UPLOAD_LIMITS,
  expectedPartSize,
  planUpload,
  S3_MAX_PARTS,
  S3_MIN_PART_SIZE,
} from "./upload-plan";

const MiB = 1024 * 1024;
const limits = DEFAULT_UPLOAD_LIMITS;

describe("planUpload", () => {
  it("sends objects below the threshold in one PUT", () => {
    expect(planUpload(0, limits)).toEqual({ mode: "single", partSize: 0, partCount: 1 });
    expect(planUpload(8 * MiB - 1, limits)).toEqual({ mode: "single", partSize: 8 * MiB - 1, partCount: 1 });
  });

  it("sends objects at or above the threshold in parts of the preferred size", () => {
    expect(planUpload(8 * MiB, limits)).toEqual({ mode: "multipart", partSize: 16 * MiB, partCount: 1 });
    expect(planUpload(100 * MiB, limits)).toEqual({ mode: "multipart", partSize: 16 * MiB, partCount: 7 });
  });

  it("grows parts to stay within S3's 10,000-part limit, and never below 5 MiB", () => {
    const huge = 5 * 1024 ** 4;
    const plan = planUpload(huge, limits);
    expect(plan.partCount).toBeLessThanOrEqual(S3_MAX_PARTS);
    expect(plan.partSize % MiB).toBe(0);
    expect(planUpload(20 * MiB, { ...limits, preferredPartSize: 1 }).partSize).toBe(S3_MIN_PART_SIZE);
  });

  it("refuses negative, fractional and over-limit sizes", () => {
    expect(() => planUpload(-1, limits)).toThrow(DomainError);
    expect(() => planUpload(1.5, limits)).toThrow(/whole number/);
    expect(() => planUpload(limits.maxObjectSize + 1, limits)).toThrow(
      expect.objectContaining({ kind: "too_large" }),
    );
  });

  it("expects full parts and a remainder in the last", () => {
    const plan = { ...planUpload(40 * MiB + 5, limits), size: 40 * MiB + 5 };
    expect([1, 2, 3].map((n) => expectedPartSize(plan, n))).toEqual([16 * MiB, 16 * MiB, 8 * MiB + 5]);
  });
});

describe("planUpload with the uploader's choice", () => {
  const codeOf = (run: () => unknown): string | undefined => {
    try {
      run();
    } catch (error) {
      return (error as DomainError).code;
    }
    return undefined;
  };

  it("slices at the uploader's part size, which implies multipart even below the threshold", () => {
    expect(planUpload(12 * MiB, limits, { partSize: 5 * MiB })).toEqual({
      mode: "multipart",
      partSize: 5 * MiB,
      partCount: 3,
    });
    expect(planUpload(3 * MiB, limits, { partSize: 5 * MiB })).toEqual({
      mode: "multipart",
      partSize: 5 * MiB,
      partCount: 1,
    });
  });

  it("takes single PUT or multipart as asked, within what S3 can carry", () => {
    expect(planUpload(20 * MiB, limits, { multipart: false }).mode).toBe("single");
    expect(planUpload(1, limits, { multipart: true })).toEqual({
      mode: "multipart",
      partSize: 16 * MiB,
      partCount: 1,
    });
    expect(codeOf(() => planUpload(6 * 1024 * MiB, limits, { multipart: false }))).toBe(
      "invalid_upload_mode",
    );
    expect(codeOf(() => planUpload(0, limits, { multipart: true }))).toBe("invalid_upload_mode");
    expect(codeOf(() => planUpload(20 * MiB, limits, { multipart: false, partSize: 5 * MiB }))).toBe(
      "invalid_upload_mode",
    );
    expect(planUpload(0, limits, { partSize: 5 * MiB }).mode).toBe("single");
  });

  it("refuses part sizes below 5 MiB, above 5 GiB, or making more than 10,000 parts", () => {
    expect(codeOf(() => planUpload(12 * MiB, limits, { partSize: 5 * MiB - 1 }))).toBe("invalid_part_size");
    expect(codeOf(() => planUpload(12 * MiB, limits, { partSize: 5 * 1024 * MiB + 1 }))).toBe(
      "invalid_part_size",
    );
    expect(codeOf(() => planUpload(12 * MiB, limits, { partSize: 5.5 * MiB + 0.5 }))).toBe(
      "invalid_part_size",
    );
    const big = S3_MAX_PARTS * S3_MIN_PART_SIZE + 1;
    expect(codeOf(() => planUpload(big, limits, { partSize: S3_MIN_PART_SIZE }))).toBe("invalid_part_size");
    expect(planUpload(big, limits, { partSize: 6 * MiB }).partCount).toBeLessThanOrEqual(S3_MAX_PARTS);
  });
});
