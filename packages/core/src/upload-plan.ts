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

/**
 * What an uploader may choose within the limits: its own part size (an uploader that slices before
 * it opens, such as Uppy, cannot follow the server's), and single PUT or multipart.
 */
export interface UploadChoice {
  partSize?: number | undefined;
  multipart?: boolean | undefined;
}

const checkSize = (size: number, limits: UploadLimits): void => {
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
};

/** The smallest part size, in whole MiB, that fits `size` in S3's part-count limit. */
const fittingPartSize = (size: number): number => Math.ceil(size / S3_MAX_PARTS / MiB) * MiB;

/** The mode the uploader asked for, or the one the threshold gives; refused where S3 cannot do it. */
const modeOf = (size: number, limits: UploadLimits, choice: UploadChoice): UploadMode => {
  if (choice.multipart === false) {
    if (choice.partSize !== undefined) {
      throw invalid(
        "invalid_upload_mode",
        "partSize applies to multipart uploads; drop it or multipart: false.",
      );
    }
    if (size > S3_MAX_PART_SIZE) {
      throw invalid(
        "invalid_upload_mode",
        `A single PUT holds at most ${S3_MAX_PART_SIZE} bytes; use multipart.`,
        {
          maxSinglePutSize: S3_MAX_PART_SIZE,
        },
      );
    }
    return "single";
  }
  if (choice.multipart === true) {
    if (size === 0)
      throw invalid("invalid_upload_mode", "An empty upload is a single PUT; multipart needs bytes.");
    return "multipart";
  }
  // Nothing to slice in an empty upload, whatever part size came with it.
  if (size === 0) return "single";
  return size < limits.singleUploadThreshold && choice.partSize === undefined ? "single" : "multipart";
};

/** The uploader's part size, when S3 accepts it for this size: 5 MiB..5 GiB, at most 10,000 parts. */
const chosenPartSize = (size: number, partSize: number): number => {
  const smallest = Math.max(S3_MIN_PART_SIZE, fittingPartSize(size));
  if (!Number.isSafeInteger(partSize) || partSize < smallest || partSize > S3_MAX_PART_SIZE) {
    throw invalid(
      "invalid_part_size",
      `partSize must be a whole number of bytes from ${smallest} to ${S3_MAX_PART_SIZE} for ${size} bytes (S3 takes parts of 5 MiB..5 GiB, the last one smaller, at most ${S3_MAX_PARTS} of them).`,
      { minPartSize: smallest, maxPartSize: S3_MAX_PART_SIZE, maxParts: S3_MAX_PARTS },
    );
  }
  return partSize;
};

/**
 * How an upload of `size` bytes goes up: one PUT below the threshold, else parts of the preferred
 * size (grown to fit 10,000 parts), unless the uploader chose the mode or the part size itself.
 * A part size alone means multipart.
 */
export const planUpload = (size: number, limits: UploadLimits, choice: UploadChoice = {}): UploadPlan => {
  checkSize(size, limits);
  if (modeOf(size, limits, choice) === "single") return { mode: "single", partSize: size, partCount: 1 };
  const partSize =
    choice.partSize === undefined
      ? Math.min(
          S3_MAX_PART_SIZE,
          Math.max(S3_MIN_PART_SIZE, limits.preferredPartSize, fittingPartSize(size)),
        )
      : chosenPartSize(size, choice.partSize);
  return { mode: "multipart", partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
};

/** The byte size a part must have: every part is partSize but the last, which holds the rest. */
export const expectedPartSize = (plan: UploadPlan & { size: number }, partNumber: number): number =>
  partNumber < plan.partCount ? plan.partSize : plan.size - plan.partSize * (plan.partCount - 1);
