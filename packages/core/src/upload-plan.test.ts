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
