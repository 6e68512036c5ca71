const MiB = 1024 * 1024;

/** What @uppy/aws-s3 (5.x and 6.x) holds every part to, whatever getChunkSize answers. */
export const UPPY_MIN_PART_SIZE = 5 * MiB;
export const UPPY_MAX_PARTS = 10_000;

/**
 * The part size Uppy cuts a file of `size` bytes into, when getChunkSize answers this: the
 * preferred size grown to Uppy's 5 MiB floor and to keep within 10,000 parts. Uppy clamps what
 * getChunkSize answers the same way, so answering this leaves it nothing to change (6.x: `max`,
 * then `ceil(size / 10,000)` only above 10,000 parts; 5.x: the same floor, and `floor(size /
 * part) <= 10,000` holds). getChunkSize answers it and the upload is opened with it, so the cut
 * Uppy makes, the parts the store signs and the slices the worker hashes are the same bytes.
 */
export const uppyPartSize = (size: number, preferred: number): number =>
  Math.max(Math.ceil(preferred), UPPY_MIN_PART_SIZE, Math.ceil(size / UPPY_MAX_PARTS));

/** The store's answered plan, as far as Uppy's cut depends on it. */
export interface AnsweredPlan {
  mode: "single" | "multipart";
  partSize: number;
  partCount: number;
}

/**
 * Why the store's answer cannot be uploaded with Uppy's cut of `size` into `partSize` parts
 * (undefined where the two agree). Uploading anyway would sign every part for bytes Uppy does
 * not send: storage refuses each one.
 */
export const planDisagreement = (
  size: number,
  partSize: number,
  answered: AnsweredPlan,
): string | undefined => {
  if (answered.mode !== "multipart") return `the store planned a ${answered.mode} upload, not multipart`;
  if (!Number.isSafeInteger(answered.partSize) || answered.partSize !== partSize)
    return `the store planned ${answered.partSize}-byte parts where Uppy cuts ${partSize}-byte parts`;
  const expected = Math.ceil(size / partSize);
  if (answered.partCount !== expected || answered.partCount > UPPY_MAX_PARTS)
    return `the store planned ${answered.partCount} parts where Uppy cuts ${expected}`;
  return undefined;
};
