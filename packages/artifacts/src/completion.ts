import { createHash } from "node:crypto";
import type { Catalog } from "@artifact-store/catalog";
import {
  type Artifact,
  conflict,
  expectedPartSize,
  failpoint,
  type IntegrityVerdict,
  notFound,
  type UploadSession,
} from "@artifact-store/core";
import type { ObjectStorage, ObjectStream, StoredObject, StoredPart } from "@artifact-store/storage";
import { type ClaimedPart, checkClaimedParts } from "./claimed-parts";
import { mirrorTags } from "./object-tags";
import { writeSidecar } from "./sidecar";

/**
 * The steps of a completion, in order. A crash after any of them leaves the upload completable:
 * a retry (or the reconciler) picks up from what storage and the catalogue hold.
 */
export const COMPLETION_STEPS = [
  "parts-listed",
  "completing-recorded",
  "storage-completed",
  "sidecar-written",
  "catalogue-committed",
] as const;
export type CompletionStep = (typeof COMPLETION_STEPS)[number];

/** The failpoint right after a step, for fault-injection tests. */
export const completionFailpoint = (step: CompletionStep): string => `complete:after-${step}`;

const after = (step: CompletionStep) => failpoint(completionFailpoint(step));

export const rangeFrom1 = (count: number): number[] => Array.from({ length: count }, (_, index) => index + 1);

const unquoted = (etag: string): string => etag.replaceAll('"', "");

/**
 * The ETag S3 gives an object completed from these parts: the MD5 of the parts' binary MD5s,
 * then `-<count>`. Where a part's ETag is not an MD5 (some servers' encrypted objects), only
 * the count can be predicted: `*-<count>`.
 */
export const multipartEtag = (parts: readonly StoredPart[]): string => {
  const digests = parts.map((part) => unquoted(part.etag));
  if (!digests.every((digest) => /^[0-9a-f]{32}$/i.test(digest))) return `*-${parts.length}`;
  const md5 = createHash("md5");
  for (const digest of digests) md5.update(Buffer.from(digest, "hex"));
  return `${md5.digest("hex")}-${parts.length}`;
};

/** Whether a stored object is the one a completion of this upload produced. */
const isCompletedObject = (object: StoredObject, upload: UploadSession, expectedEtag: string): boolean => {
  if (object.size !== upload.size) return false;
  const etag = unquoted(object.etag).toLowerCase();
  const expected = expectedEtag.toLowerCase();
  return expected.startsWith("*-") ? etag.endsWith(expected.slice(1)) : etag === expected;
};

/** Every part present, none extra, each of the size the plan gives it. */
const checkParts = (upload: UploadSession, parts: readonly StoredPart[]): void => {
  const present = new Set(parts.map((part) => part.partNumber));
  const missingParts = rangeFrom1(upload.partCount).filter((partNumber) => !present.has(partNumber));
  if (missingParts.length > 0) {
    throw conflict("upload_incomplete", `${missingParts.length} part(s) are not in storage yet.`, {
      missingParts: missingParts.slice(0, 100),
    });
  }
  const extraParts = parts
    .filter((part) => part.partNumber > upload.partCount)
    .map((part) => part.partNumber);
  const wrongSize = parts
    .filter(
      (part) =>
        part.partNumber <= upload.partCount && part.size !== expectedPartSize(upload, part.partNumber),
    )
    .map((part) => ({
      partNumber: part.partNumber,
      size: part.size,
      expected: expectedPartSize(upload, part.partNumber),
    }));
  if (extraParts.length > 0 || wrongSize.length > 0) {
    const total = parts.reduce((sum, part) => sum + part.size, 0);
    throw conflict(
      "size_mismatch",
      `Storage holds ${total} bytes in ${parts.length} part(s); ${upload.size} bytes were declared.`,
      { wrongSize: wrongSize.slice(0, 100), extraParts: extraParts.slice(0, 100) },
    );
  }
};

/**
 * A check of the stored bytes made as the upload completes (the Verifier's, handed in by the
 * caller, so that a function that only opens uploads bundles no content sniffing). A small
 * single-PUT object is then read once, instead of a HEAD now and a read-back after, and its
 * sidecar and catalogue record are written once, in their final state.
 */
export interface InlineVerification {
  /** Objects up to this size are checked as they complete. */
  maxBytes: number;
  /** The verdict on the object's bytes (consumes the body); throws when they cannot be read. */
  verdict(artifact: Artifact, object: ObjectStream): Promise<IntegrityVerdict>;
}

export interface CompletionOptions {
  inline?: InlineVerification | undefined;
  /**
   * The uploader's list of a multipart upload's parts, checked against the list this completion
   * lists and completes (a single PUT's is its caller's to check, against a HEAD).
   */
  claimedParts?: readonly ClaimedPart[] | undefined;
}

/**
 * Completion as a state machine over what storage and the catalogue hold, so that any number of
 * concurrent callers, and a retry after a crash between any two steps, reach the same artifact:
 *
 *   open ──list parts──▶ completing (expected ETag recorded) ──storage completes──▶ object in
 *   storage ──sidecar──▶ catalogue commit (one conditional update picks the winner) ──▶ completed
 *
 * A caller that finds the storage upload gone finishes the catalogue's side when HEAD shows the
 * object the recorded ETag describes; only when it does not is the upload really lost.
 */
export class UploadCompletion {
  constructor(
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * A null SHA-256 (an upload without part checksums that declared none) is left to the verifier.
   * With `inline`, a small single object is read once and its verdict recorded with the completion.
   */
  async complete(
    upload: UploadSession,
    pending: Artifact,
    sha256: string | null,
    { inline, claimedParts }: CompletionOptions = {},
  ): Promise<Artifact> {
    if (sha256 && inline && upload.mode === "single" && upload.size <= inline.maxBytes) {
      const checked = await this.completeSingleChecked(upload, pending, sha256, inline);
      if (checked) return checked;
    }
    const etag =
      upload.mode === "multipart" && upload.storageUploadId
        ? await this.completeMultipart(upload, upload.storageUploadId, claimedParts)
        : await this.singleObjectEtag(upload);
    return this.finish(upload, pending, sha256, etag);
  }

  /**
   * The reconciler's repair: an open upload whose whole object storage already holds (the
   * uploader crashed or gave up after sending, or a completion died part-way) is finished as its
   * uploader would have. Null when storage does not hold that object, or no SHA-256 was declared.
   */
  async finishIfStored(upload: UploadSession): Promise<Artifact | null> {
    const pending = await this.catalog.findArtifact(upload.artifactId);
    if (pending?.state !== "pending" || !pending.sha256) return null;
    const object = await this.storage.headObject(upload.objectKey);
    if (!object || object.size !== upload.size) return null;
    if (upload.mode === "multipart") {
      if (!upload.completingEtag || !isCompletedObject(object, upload, upload.completingEtag)) return null;
    }
    return this.finish(upload, pending, pending.sha256, object.etag);
  }

  private async completeMultipart(
    upload: UploadSession,
    storageUploadId: string,
    claimedParts: readonly ClaimedPart[] | undefined,
  ): Promise<string> {
    const parts = await this.storage.listParts(upload.objectKey, storageUploadId);
    if (parts === null) {
      const object = await this.completedObject(upload);
      if (object) return object.etag;
      throw conflict("upload_not_in_storage", "Storage no longer holds this upload; start a new one.");
    }
    if (claimedParts) checkClaimedParts(claimedParts, parts);
    checkParts(upload, parts);
    await after("parts-listed");
    const expected = multipartEtag(parts);
    if (upload.completingEtag !== expected) await this.catalog.recordCompletingEtag(upload.id, expected);
    await after("completing-recorded");
    try {
      return await this.storage.completeMultipartUpload(upload.objectKey, storageUploadId, parts);
    } catch (error) {
      // A concurrent call completed it first: storage refuses ours but holds the finished object.
      const object = await this.storage.headObject(upload.objectKey);
      if (object && isCompletedObject(object, upload, expected)) return object.etag;
      throw error;
    }
  }

  /** The finished object, when storage holds the one this upload's recorded ETag describes. */
  private async completedObject(upload: UploadSession): Promise<StoredObject | null> {
    // Another caller may have recorded the ETag after this one read the upload.
    const expected = upload.completingEtag ?? (await this.catalog.findUpload(upload.id))?.completingEtag;
    if (!expected) return null;
    const object = await this.storage.headObject(upload.objectKey);
    return object && isCompletedObject(object, upload, expected) ? object : null;
  }

  private async singleObjectEtag(upload: UploadSession): Promise<string> {
    const object = await this.storage.headObject(upload.objectKey);
    const parts = object ? [{ partNumber: 1, size: object.size, etag: object.etag }] : [];
    checkParts(upload, parts);
    return object?.etag ?? "";
  }

  /**
   * A single object read whole (one GET, in place of the HEAD): its size and ETag complete the
   * upload, its bytes give the verdict. Null when they could not be read through, so the caller
   * completes it the usual way and the check is left to the verifier.
   */
  private async completeSingleChecked(
    upload: UploadSession,
    pending: Artifact,
    sha256: string,
    inline: InlineVerification,
  ): Promise<Artifact | null> {
    const object = await this.storage.readObject(upload.objectKey);
    try {
      checkParts(upload, object ? [{ partNumber: 1, size: object.size, etag: object.etag }] : []);
    } catch (error) {
      object?.body.destroy();
      throw error;
    }
    if (!object) return null;
    const verdict = await inline.verdict({ ...pending, sha256 }, object).catch(() => null);
    return verdict && this.finish(upload, pending, sha256, object.etag, verdict);
  }

  private async finish(
    upload: UploadSession,
    pending: Artifact,
    sha256: string | null,
    etag: string,
    verdict?: IntegrityVerdict,
  ) {
    await after("storage-completed");
    const completedAt = this.now();
    // The sidecar goes first: if the catalogue update fails, the bucket still tells the truth.
    await writeSidecar(this.storage, {
      ...pending,
      sha256,
      state: verdict?.state ?? "uploaded",
      etag,
      uploadedAt: completedAt,
      updatedAt: completedAt,
      ...(verdict ? { integrity: verdict.integrity } : {}),
    });
    await after("sidecar-written");
    const artifact = await this.catalog.completeUpload(upload.id, etag, sha256, completedAt, verdict);
    await after("catalogue-committed");
    // An edit that landed while the bytes were on their way wrote an older state into the sidecar.
    if (artifact && artifact.version !== pending.version) await writeSidecar(this.storage, artifact);
    const completed = artifact ?? (await this.catalog.findArtifact(upload.artifactId));
    if (!completed) throw notFound("artifact", upload.artifactId);
    // Lost the conditional update: the sidecar written above is not the record (another completion
    // won with its own verdict, or an abort or expiry tombstoned it); the bucket gets the record's.
    if (!artifact && completed.state === "deleted") {
      await writeSidecar(this.storage, completed, completed.updatedAt);
    } else if (!artifact && completed.state !== "pending") {
      await writeSidecar(this.storage, completed);
    }
    if (completed.state === "pending" || completed.state === "deleted") {
      // The conditional update lost to an abort (the uploader's, or expiry's), not to a completion.
      throw conflict("upload_aborted", "This upload was aborted.");
    }
    // A new object has no tags: only an artifact with some needs the extra request.
    if (completed.tags.length > 0) await mirrorTags(this.storage, completed);
    return completed;
  }
}
