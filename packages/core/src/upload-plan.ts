import { DomainError, invalid } from "./errors";
import type { UploadMode } from "./model";

export interface UploadLimits {
  /** Objects smaller than this go up in one presigned PUT. */
  singleUploadThreshold: number;
  /** The part size asked for before it grows to fit the part-count limit. */
  preferredPartSize: number;
  maxObjectSize: number;
  /** How many part URLs a create call signs up front; the rest come from the parts endpoint. */
  initialPartUrls: number;
}

// S3's own limits: parts are 5 MiB..5 GiB (the last may be smaller), at most 10,000 per upload.
export const S3_MIN_PART_SIZE = 5 * 1024 * 1024;
export const S3_MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
export const S3_MAX_PARTS = 10_000;
const MiB = 1024 * 1024;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  singleUploadThreshold: 8 * MiB,
  preferredPartSize: 16 * MiB,
  maxObjectSize: 5 * 1024 * 1024 * 1024 * 1024,
  initialPartUrls: 32,
};

export interface UploadPlan {
  mode: UploadMode;
  partSize: number;
  partCount: number;
}

export const planUpload = (size: number, limits: UploadLimits): UploadPlan => {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw invalid("invalid_size", "size must be a whole number of bytes, zero or more.");
  }
  if (size > limits.maxObjectSize) {
    throw new DomainError(
      "too_large",
      "size_limit_exceeded",
      `size ${size} is over the limit of ${limits.maxObjectSize} bytes.`,
    );
  }
  if (size < limits.singleUploadThreshold) {
    return { mode: "single", partSize: size, partCount: 1 };
  }
  // Grow the part size, in whole MiB, until the object fits in S3's part-count limit.
  const fitting = Math.ceil(size / S3_MAX_PARTS / MiB) * MiB;
  const partSize = Math.min(S3_MAX_PART_SIZE, Math.max(S3_MIN_PART_SIZE, limits.preferredPartSize, fitting));
  return { mode: "multipart", partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
};

/** The byte size a part must have: every part is partSize but the last, which holds the rest. */
export const expectedPartSize = (plan: UploadPlan & { size: number }, partNumber: number): number =>
  partNumber < plan.partCount ? plan.partSize : plan.size - plan.partSize * (plan.partCount - 1);
