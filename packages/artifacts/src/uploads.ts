import { createHash, randomUUID } from "node:crypto";
import type { Catalog, PartChecksumRecords } from "@artifact-store/catalog";
import {
  type Artifact,
  artifactObjectKey,
  type ChecksumPolicy,
  canUseUpload,
  conflict,
  expectedPartSize,
  gone,
  invalid,
  isExpired,
  normalizeFilename,
  normalizeProvenance,
  normalizeTags,
  notFound,
  ownerKeySegment,
  type PartChecksum,
  type PartChecksumMode,
  type PartUrl,
  type Principal,
  type ProvenanceInput,
  parseExpiry,
  planUpload,
  requireIdentified,
  S3_MAX_PART_SIZE,
  S3_MAX_PARTS,
  S3_MIN_PART_SIZE,
  type SignedPartUrls,
  storedObjectHeaders,
  type UploadChoice,
  type UploadOpening,
  type UploadPlan,
  type UploadPlanning,
  type UploadProgress,
  type UploadSession,
  type Visibility,
  validateMetadata,
} from "@artifact-store/core";
import type { ObjectHeaders, ObjectStorage, StoredPart } from "@artifact-store/storage";
import { type ClaimedPart, checkClaimedParts } from "./claimed-parts";
import { type InlineVerification, rangeFrom1, UploadCompletion } from "./completion";
import { mirrorTags } from "./object-tags";
import type { ServiceSettings } from "./settings";

export interface CreateUploadRequest {
  filename: string;
  contentType: string;
  size: number;
  sha256?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  tags?: string[] | undefined;
  visibility?: Visibility | undefined;
  provenance?: ProvenanceInput | undefined;
  /** false opens a new upload even when the caller already holds this content. */
  dedupe?: boolean | undefined;
  /** Content-MD5 of the whole content, for the URL of a single-PUT upload. */
  md5?: string | undefined;
  /** Checksums of the parts whose URLs the answer should carry. */
  parts?: PartChecksum[] | undefined;
  /** ISO time when the artifact is to be deleted (in the future, at most 10 years ahead). */
  expiresAt?: string | undefined;
  /** The uploader's own part size (it slices before it opens); implies multipart. */
  partSize?: number | undefined;
  /** Single PUT (false) or multipart (true), instead of the server's threshold. */
  multipart?: boolean | undefined;
  /** "none": part URLs without checksums, by the uploader's explicit choice (for a client that cannot see its part bodies). */
  partChecksums?: PartChecksumMode | undefined;
}

const uncheckedPartsGivenChecksums = () =>
  invalid(
    "part_checksums_not_signed",
    'This upload is opened with partChecksums: "none": its URLs are signed without checksums, so send part numbers only (partNumbers), no md5 or parts.',
  );

/** What the caller of complete says of its upload; both are checked, neither is trusted. */
export interface CompletionClaim {
  /** The whole object's SHA-256, when not declared at open. */
  sha256?: string | undefined;
  /** The parts it sent, checked against storage's list. */
  parts?: readonly ClaimedPart[] | undefined;
  /**
   * Set where the caller completes on the owner's behalf (a storage event): an upload whose
   * SHA-256 the server would have to compute is left open for its owner, who may still declare one.
   */
  onOwnersBehalf?: boolean | undefined;
}

/** Which parts to sign: with their checksums, or bare part numbers where checksums are optional. */
export interface SignPartsRequest {
  parts?: PartChecksum[] | undefined;
  partNumbers?: number[] | undefined;
}

/** A part to sign, with the checksums its URL will demand when the uploader gave them. */
interface PartToSign {
  partNumber: number;
  checksum: PartChecksum | undefined;
}

const sha256Hex = (value: string) => createHash("sha256").update(value).digest("hex");

/** Users upload as themselves; API keys as their subject. */
const uploaderOf = (principal: Principal): string => requireIdentified(principal).id;

/**
 * The SHA-256 is declared once, at creation or completion; two declarations must agree. Null only
 * where the server may compute it from the stored bytes (`serverMayHash`).
 */
const sha256Agreed = (
  recorded: string | null,
  declared: string | undefined,
  serverMayHash = false,
): string | null => {
  if (recorded && declared && recorded !== declared) {
    throw conflict(
      "sha256_mismatch",
      "The SHA-256 given now differs from the one declared when the upload opened.",
    );
  }
  const sha256 = declared ?? recorded;
  if (!sha256 && serverMayHash) return null;
  if (!sha256)
    throw invalid("sha256_required", "Declare the content's SHA-256 when opening or completing the upload.");
  return sha256;
};

const checkPartNumbers = (parts: readonly { partNumber: number }[], partCount: number): void => {
  const outOfRange = parts.map((part) => part.partNumber).filter((partNumber) => partNumber > partCount);
  if (outOfRange.length > 0) {
    throw invalid("invalid_part_number", `This upload has ${partCount} part(s).`, { outOfRange });
  }
};

/** Opening, signing, inspecting, completing and aborting direct-to-storage uploads. */
export class Uploads {
  constructor(
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    private readonly settings: ServiceSettings,
    private readonly partChecksums: PartChecksumRecords,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.completion = new UploadCompletion(catalog, storage, now);
  }

  private readonly completion: UploadCompletion;

  /** What every part URL request must carry, as the create and status answers tell uploaders. */
  get checksums(): ChecksumPolicy {
    return {
      algorithms: [...this.storage.checksumAlgorithms],
      required: this.settings.requirePartChecksums,
    };
  }

  /** An upload opened with partChecksums "none" has URLs signed with no checksum at all. */
  private checksumsOf(upload: UploadSession): ChecksumPolicy {
    return upload.partChecksums === "none" ? { algorithms: [], required: false } : this.checksums;
  }

  /**
   * An upload without part checksums may leave the SHA-256 to the server (the verifier hashes the
   * stored bytes) only where the operator does not require part checksums: where it does, the
   * uploader's SHA-256 is what proves the bytes, so it must still be declared.
   */
  private serverMayHash(upload: UploadSession): boolean {
    return upload.partChecksums === "none" && !this.settings.requirePartChecksums;
  }

  /** The plan create would make for this size and choice (or its 400), and the limits of any plan. */
  plan(size: number, choice: UploadChoice = {}): UploadPlanning {
    const { limits } = this.settings;
    return {
      size,
      ...planUpload(size, limits, choice),
      singleUploadThreshold: limits.singleUploadThreshold,
      preferredPartSize: limits.preferredPartSize,
      minPartSize: S3_MIN_PART_SIZE,
      maxPartSize: S3_MAX_PART_SIZE,
      maxParts: S3_MAX_PARTS,
      maxObjectSize: limits.maxObjectSize,
      maxSinglePutSize: S3_MAX_PART_SIZE,
      checksums: this.checksums,
    };
  }

  /**
   * Opens an upload, or, when the caller declares a SHA-256 and already holds an uploaded or
   * verified artifact with that hash and size, answers that artifact and opens nothing (unless
   * `dedupe: false`). The existing artifact is answered as it is: its name, tags, metadata,
   * provenance and expiry are not changed.
   */
  async create(principal: Principal, request: CreateUploadRequest): Promise<UploadOpening> {
    const ownerId = uploaderOf(principal);
    const filename = normalizeFilename(request.filename);
    const tags = normalizeTags(request.tags ?? []);
    const metadata = validateMetadata(request.metadata ?? {});
    const provenance = normalizeProvenance(request.provenance);
    const expiresAt = request.expiresAt === undefined ? null : parseExpiry(request.expiresAt, this.now());
    const plan = planUpload(request.size, this.settings.limits, request);
    const partChecksums = request.partChecksums ?? "signed";
    if (partChecksums === "none" && (request.md5 !== undefined || request.parts !== undefined)) {
      throw uncheckedPartsGivenChecksums();
    }
    // A single PUT's uploader holds the whole body, so it can sign its MD5; and an unsigned PUT URL
    // stays good after completion, so the bytes could be replaced once verified.
    if (partChecksums === "none" && plan.mode === "single") {
      throw invalid(
        "invalid_upload_mode",
        'partChecksums "none" is for multipart uploads (multipart: true or a partSize): a single PUT is signed with its whole MD5 (md5).',
      );
    }
    const firstParts = this.initialParts(plan, request, partChecksums);
    if (request.sha256 && request.dedupe !== false) {
      const existing = await this.catalog.findDuplicate(ownerId, request.sha256, request.size);
      if (existing) return { deduplicated: true, artifact: existing };
    }
    const now = this.now();
    const artifactId = randomUUID();
    const objectKey = artifactObjectKey(ownerKeySegment(ownerId, sha256Hex), artifactId, filename);
    // Stored with the object, so no server serves it inline, even one ignoring download overrides.
    const stored = storedObjectHeaders(request.contentType, filename);

    const storageUploadId =
      plan.mode === "multipart" ? await this.storage.startMultipartUpload(objectKey, stored) : null;
    const artifact: Artifact = {
      id: artifactId,
      ownerId,
      objectKey,
      filename,
      contentType: request.contentType,
      size: request.size,
      sha256: request.sha256 ?? null,
      metadata,
      tags,
      provenance,
      visibility: request.visibility ?? "private",
      state: "pending",
      etag: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
      uploadedAt: null,
      expiresAt,
      legalHold: null,
    };
    const upload: UploadSession = {
      id: randomUUID(),
      artifactId,
      ownerId,
      objectKey,
      mode: plan.mode,
      storageUploadId,
      completingEtag: null,
      partSize: plan.partSize,
      partCount: plan.partCount,
      size: request.size,
      partChecksums,
      state: "open",
      expiresAt: new Date(now.getTime() + this.settings.uploadTtlSeconds * 1000),
      createdAt: now,
      completedAt: null,
    };
    try {
      await this.catalog.recordPendingUpload(artifact, upload);
    } catch (error) {
      // Never leave a multipart upload in storage that no record points at.
      if (storageUploadId)
        await this.storage.abortMultipartUpload(objectKey, storageUploadId).catch(() => {});
      throw error;
    }
    const signed = await this.signParts(upload, stored, firstParts);
    return { deduplicated: false, upload, checksums: this.checksumsOf(upload), ...signed };
  }

  /**
   * Signs part URLs: `parts` with their checksums, or bare `partNumbers` where checksums are not
   * required. Signing a part again with other checksums replaces the declared ones.
   */
  async sign(
    principal: Principal,
    uploadId: string,
    request: SignPartsRequest,
  ): Promise<SignedPartUrls & { upload: UploadSession }> {
    const upload = this.openUpload(await this.ownedUpload(principal, uploadId));
    if (upload.partChecksums === "none" && request.parts) throw uncheckedPartsGivenChecksums();
    const wanted: PartToSign[] = request.parts
      ? request.parts.map((part) => ({ partNumber: part.partNumber, checksum: part }))
      : [...new Set(request.partNumbers ?? [])].map((partNumber) => ({ partNumber, checksum: undefined }));
    checkPartNumbers(wanted, upload.partCount);
    if (upload.partChecksums === "signed") this.checkChecksumsGiven(wanted);
    const artifact = await this.artifactOf(upload);
    const stored = storedObjectHeaders(artifact.contentType, artifact.filename);
    return { upload, ...(await this.signParts(upload, stored, wanted)) };
  }

  /**
   * An open multipart upload of the caller's, as a client that asks storage's dialect to start
   * one (Uppy's CreateMultipartUpload) finds it: the upload was opened through `create` already.
   */
  async openMultipart(principal: Principal, uploadId: string): Promise<UploadSession> {
    const upload = this.openUpload(await this.ownedUpload(principal, uploadId));
    if (upload.mode !== "multipart") {
      throw conflict("upload_not_multipart", "This upload is a single PUT; send it with PutObject.");
    }
    return upload;
  }

  async status(principal: Principal, uploadId: string): Promise<UploadProgress> {
    const upload = await this.ownedUpload(principal, uploadId);
    const parts = upload.state === "open" ? ((await this.storedParts(upload)) ?? []) : [];
    return {
      upload,
      expired: isExpired(upload, this.now()),
      checksums: this.checksumsOf(upload),
      parts: parts.map(({ partNumber, size, etag }) => ({ partNumber, size, etag })),
    };
  }

  /**
   * Completes from what storage holds, never from a client's list: a list given is only checked
   * against storage's (409 parts_mismatch when they differ). Completing twice, at once or
   * after a crash part-way, answers the same artifact, so a client that lost the first answer can
   * simply retry (see UploadCompletion). The artifact is `uploaded`: the caller hands it to the
   * verifier (Verifier.afterUpload), which this class does not hold, so functions that only open
   * or sign uploads carry no content sniffing. Given the verifier's `inline` check, a small
   * single-PUT object is checked as it completes and comes back verified or corrupt.
   */
  async complete(
    principal: Principal,
    uploadId: string,
    claim: CompletionClaim = {},
    inline?: InlineVerification,
  ): Promise<Artifact> {
    const { sha256: declaredSha256, parts: claimedParts } = claim;
    const upload = await this.ownedUpload(principal, uploadId);
    if (upload.state === "completed") {
      const artifact = await this.artifactOf(upload);
      // Before its verification an upload left to the server's hash has none recorded yet.
      sha256Agreed(artifact.sha256, declaredSha256, upload.partChecksums === "none");
      // A retry after a failure part-way through the first completion finishes the mirroring.
      if (artifact.tags.length > 0) await mirrorTags(this.storage, artifact);
      return artifact;
    }
    this.openUpload(upload);
    const pending = await this.artifactOf(upload);
    const serverMayHash = this.serverMayHash(upload) && !claim.onOwnersBehalf;
    const sha256 = sha256Agreed(pending.sha256, declaredSha256, serverMayHash);
    // A multipart claim is checked by the completion, against the very list it completes.
    if (claimedParts && !upload.storageUploadId) {
      checkClaimedParts(claimedParts, (await this.storedParts(upload)) ?? []);
    }
    return this.completion.complete(upload, pending, sha256, { inline, claimedParts });
  }

  async abort(principal: Principal, uploadId: string): Promise<void> {
    const upload = await this.ownedUpload(principal, uploadId);
    if (upload.state === "aborted") return;
    if (upload.state === "completed") {
      throw conflict("upload_completed", "This upload is complete; delete the artifact instead.");
    }
    if (upload.storageUploadId) {
      await this.storage.abortMultipartUpload(upload.objectKey, upload.storageUploadId);
    } else {
      await this.storage.deleteObject(upload.objectKey);
    }
    await this.catalog.abortUpload(upload.id, this.now());
  }

  private async ownedUpload(principal: Principal, uploadId: string): Promise<UploadSession> {
    const upload = await this.catalog.findUpload(uploadId);
    if (!upload || !canUseUpload(principal, upload)) throw notFound("upload", uploadId);
    return upload;
  }

  private openUpload(upload: UploadSession): UploadSession {
    if (upload.state === "aborted") throw conflict("upload_aborted", "This upload was aborted.");
    if (upload.state === "completed") throw conflict("upload_completed", "This upload is already complete.");
    if (isExpired(upload, this.now())) {
      throw gone(
        "upload_expired",
        `This upload expired at ${upload.expiresAt.toISOString()}; start a new one.`,
      );
    }
    return upload;
  }

  private async artifactOf(upload: UploadSession): Promise<Artifact> {
    const artifact = await this.catalog.findArtifact(upload.artifactId);
    if (!artifact) throw notFound("artifact", upload.artifactId);
    return artifact;
  }

  /**
   * The parts a create call signs: those whose checksums it gives (the whole-content md5 counts
   * as part 1 of a single PUT), else the first few, bare, where checksums are optional.
   */
  private initialParts(
    plan: UploadPlan,
    request: CreateUploadRequest,
    partChecksums: PartChecksumMode,
  ): PartToSign[] {
    const given = (request.parts ?? []).map((part) => ({ partNumber: part.partNumber, checksum: part }));
    checkPartNumbers(given, plan.partCount);
    if (plan.mode === "single" && request.md5 && given.length === 0) {
      return [{ partNumber: 1, checksum: { partNumber: 1, md5: request.md5 } }];
    }
    if (given.length > 0) {
      this.checkChecksumsGiven(given);
      return given;
    }
    if (this.settings.requirePartChecksums && partChecksums === "signed") return [];
    const count = Math.min(plan.partCount, this.settings.limits.initialPartUrls);
    return rangeFrom1(count).map((partNumber) => ({ partNumber, checksum: undefined }));
  }

  /** Where checksums are required, every algorithm storage verifies must come with every part. */
  private checkChecksumsGiven(parts: readonly PartToSign[]): void {
    if (!this.settings.requirePartChecksums) return;
    const needsSha256 = this.storage.checksumAlgorithms.includes("sha256");
    const missing = parts
      .filter(({ checksum }) => !checksum || (needsSha256 && !checksum.sha256))
      .map((part) => part.partNumber);
    if (missing.length === 0) return;
    throw invalid(
      "part_checksum_required",
      `Part URLs are signed only with each part's checksum: send parts: [{ partNumber, ${this.checksums.algorithms.join(", ")} }] (base64 digests of the part's bytes).`,
      { algorithms: this.checksums.algorithms, missingParts: missing.slice(0, 100) },
    );
  }

  private async signParts(
    upload: UploadSession,
    stored: ObjectHeaders,
    wanted: readonly PartToSign[],
  ): Promise<SignedPartUrls> {
    const ttl = this.settings.uploadUrlTtlSeconds;
    const now = this.now();
    const expiresAt = new Date(now.getTime() + ttl * 1000);
    const declared = wanted.flatMap(({ checksum }) => (checksum ? [checksum] : []));
    // Recorded before any URL leaves: a part in storage always has its declaration here.
    await this.partChecksums.record(upload.id, declared, now);
    // The exact size is signed in too: storage refuses a longer or shorter body outright.
    const toSign = wanted.map(({ partNumber, checksum }) => ({
      partNumber,
      size: expectedPartSize(upload, partNumber),
      checksum,
    }));
    const signed = upload.storageUploadId
      ? await this.storage.presignParts(upload.objectKey, upload.storageUploadId, toSign, ttl)
      : await Promise.all(
          toSign.map(({ size, checksum }) =>
            this.storage.presignPut(upload.objectKey, stored, { size, ttlSeconds: ttl, checksum }),
          ),
        );
    const parts = toSign.map(({ partNumber }, index): PartUrl => {
      const { url, headers } = signed[index] as { url: string; headers: Record<string, string> };
      return { partNumber, url, headers };
    });
    return { parts, expiresAt };
  }

  /** What storage holds for the upload: its parts, or the single object as part 1. */
  private async storedParts(upload: UploadSession): Promise<StoredPart[] | null> {
    if (upload.storageUploadId) return this.storage.listParts(upload.objectKey, upload.storageUploadId);
    const object = await this.storage.headObject(upload.objectKey);
    return object ? [{ partNumber: 1, size: object.size, etag: object.etag }] : [];
  }
}
