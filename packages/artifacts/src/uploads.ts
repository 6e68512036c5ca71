import { createHash, randomUUID } from "node:crypto";
import {
  artifactView,
  type PresignedPart,
  type SignedParts,
  type UploadCreated,
  type UploadDeduplicated,
  type UploadStatus,
  uploadStateView,
} from "@artifact-store/api";
import type { Catalog } from "@artifact-store/catalog";
import {
  type Artifact,
  artifactObjectKey,
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
  type Principal,
  type ProvenanceInput,
  planUpload,
  type UploadSession,
  unauthenticated,
  type Visibility,
  validateMetadata,
} from "@artifact-store/core";
import type { ObjectStorage, StoredPart } from "@artifact-store/storage";
import { mirrorTags } from "./object-tags";
import type { ServiceSettings } from "./settings";
import { writeSidecar } from "./sidecar";

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
}

const sha256Hex = (value: string) => createHash("sha256").update(value).digest("hex");

/** Users upload as themselves; API keys as their subject. */
const uploaderOf = (principal: Principal): string => {
  if (principal.kind === "anonymous") {
    throw unauthenticated("authentication_required", "This operation needs a bearer token or API key.");
  }
  return principal.id;
};

/** The SHA-256 is declared once, at creation or completion; two declarations must agree. */
const sha256Agreed = (recorded: string | null, declared: string | undefined): string => {
  if (recorded && declared && recorded !== declared) {
    throw conflict(
      "sha256_mismatch",
      "The SHA-256 given now differs from the one declared when the upload opened.",
    );
  }
  const sha256 = declared ?? recorded;
  if (!sha256)
    throw invalid("sha256_required", "Declare the content's SHA-256 when opening or completing the upload.");
  return sha256;
};

const rangeFrom1 = (count: number): number[] => Array.from({ length: count }, (_, index) => index + 1);

/** Opening, signing, inspecting, completing and aborting direct-to-storage uploads. */
export class Uploads {
  constructor(
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    private readonly settings: ServiceSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Opens an upload, or, when the caller declares a SHA-256 and already holds an uploaded or
   * verified artifact with that hash and size, answers that artifact and opens nothing (unless
   * `dedupe: false`). The existing artifact is answered as it is: its name, tags, metadata and
   * provenance are not changed.
   */
  async create(
    principal: Principal,
    request: CreateUploadRequest,
  ): Promise<UploadCreated | UploadDeduplicated> {
    const ownerId = uploaderOf(principal);
    const filename = normalizeFilename(request.filename);
    const tags = normalizeTags(request.tags ?? []);
    const metadata = validateMetadata(request.metadata ?? {});
    const provenance = normalizeProvenance(request.provenance);
    const plan = planUpload(request.size, this.settings.limits);
    if (request.sha256 && request.dedupe !== false) {
      const existing = await this.catalog.findDuplicate(ownerId, request.sha256, request.size);
      if (existing) return { deduplicated: true, artifactId: existing.id, artifact: artifactView(existing) };
    }
    const now = this.now();
    const artifactId = randomUUID();
    const objectKey = artifactObjectKey(ownerKeySegment(ownerId, sha256Hex), artifactId, filename);

    const storageUploadId =
      plan.mode === "multipart"
        ? await this.storage.startMultipartUpload(objectKey, request.contentType)
        : null;
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
    };
    const upload: UploadSession = {
      id: randomUUID(),
      artifactId,
      ownerId,
      objectKey,
      mode: plan.mode,
      storageUploadId,
      partSize: plan.partSize,
      partCount: plan.partCount,
      size: request.size,
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
    const firstParts = rangeFrom1(Math.min(plan.partCount, this.settings.limits.initialPartUrls));
    const signed = await this.signParts(upload, request.contentType, firstParts);
    return {
      deduplicated: false,
      uploadId: upload.id,
      artifactId,
      mode: plan.mode,
      partSize: plan.partSize,
      partCount: plan.partCount,
      ...signed,
    };
  }

  async sign(principal: Principal, uploadId: string, partNumbers: readonly number[]): Promise<SignedParts> {
    const upload = this.openUpload(await this.ownedUpload(principal, uploadId));
    const outOfRange = partNumbers.filter((partNumber) => partNumber > upload.partCount);
    if (outOfRange.length > 0) {
      throw invalid("invalid_part_number", `This upload has ${upload.partCount} part(s).`, { outOfRange });
    }
    const artifact = await this.catalog.findArtifact(upload.artifactId);
    const contentType = artifact?.contentType ?? "application/octet-stream";
    return { uploadId: upload.id, ...(await this.signParts(upload, contentType, [...new Set(partNumbers)])) };
  }

  async status(principal: Principal, uploadId: string): Promise<UploadStatus> {
    const upload = await this.ownedUpload(principal, uploadId);
    const parts = upload.state === "open" ? ((await this.storedParts(upload)) ?? []) : [];
    return {
      uploadId: upload.id,
      artifactId: upload.artifactId,
      state: uploadStateView(upload, this.now()),
      mode: upload.mode,
      size: upload.size,
      partSize: upload.partSize,
      partCount: upload.partCount,
      expiresAt: upload.expiresAt.toISOString(),
      parts,
    };
  }

  /**
   * Completes from what storage holds, never from a client's list. Completing twice answers
   * the same artifact, so a client that lost the first answer can simply retry.
   */
  async complete(principal: Principal, uploadId: string, declaredSha256?: string): Promise<Artifact> {
    const upload = await this.ownedUpload(principal, uploadId);
    if (upload.state === "completed") {
      const artifact = await this.artifactOf(upload);
      sha256Agreed(artifact.sha256, declaredSha256);
      // A retry after a failure part-way through the first completion finishes the mirroring.
      if (artifact.tags.length > 0) await mirrorTags(this.storage, artifact);
      return artifact;
    }
    this.openUpload(upload);
    const pending = await this.artifactOf(upload);
    const sha256 = sha256Agreed(pending.sha256, declaredSha256);

    const parts = await this.storedParts(upload);
    if (parts === null) {
      throw conflict("upload_not_in_storage", "Storage no longer holds this upload; start a new one.");
    }
    this.checkParts(upload, parts);

    const etag =
      upload.mode === "multipart" && upload.storageUploadId
        ? await this.completeInStorage(upload, upload.storageUploadId, parts)
        : (parts[0]?.etag ?? "");

    const completedAt = this.now();
    // The sidecar goes first: if the catalogue update fails, the bucket still tells the truth.
    await writeSidecar(this.storage, {
      ...pending,
      sha256,
      state: "uploaded",
      etag,
      uploadedAt: completedAt,
      updatedAt: completedAt,
    });
    const artifact = await this.catalog.completeUpload(upload.id, etag, sha256, completedAt);
    // An edit that landed while the bytes were on their way wrote an older state into the sidecar.
    if (artifact && artifact.version !== pending.version) await writeSidecar(this.storage, artifact);
    const completed = artifact ?? (await this.artifactOf(upload));
    // A new object has no tags: only an artifact with some needs the extra request.
    if (completed.tags.length > 0) await mirrorTags(this.storage, completed);
    return completed;
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

  private async signParts(upload: UploadSession, contentType: string, partNumbers: readonly number[]) {
    const ttl = this.settings.uploadUrlTtlSeconds;
    const expiresAt = new Date(this.now().getTime() + ttl * 1000).toISOString();
    const parts = await Promise.all(
      partNumbers.map(
        async (partNumber): Promise<PresignedPart> =>
          upload.storageUploadId
            ? {
                partNumber,
                method: "PUT" as const,
                url: await this.storage.presignPart(
                  upload.objectKey,
                  upload.storageUploadId,
                  partNumber,
                  ttl,
                ),
                headers: {},
              }
            : {
                partNumber,
                method: "PUT" as const,
                url: await this.storage.presignPut(upload.objectKey, contentType, ttl),
                headers: { "content-type": contentType },
              },
      ),
    );
    return { parts, expiresAt };
  }

  /** What storage holds for the upload: its parts, or the single object as part 1. */
  private async storedParts(upload: UploadSession): Promise<StoredPart[] | null> {
    if (upload.storageUploadId) return this.storage.listParts(upload.objectKey, upload.storageUploadId);
    const object = await this.storage.headObject(upload.objectKey);
    return object ? [{ partNumber: 1, size: object.size, etag: object.etag }] : [];
  }

  private checkParts(upload: UploadSession, parts: readonly StoredPart[]): void {
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
        {
          wrongSize: wrongSize.slice(0, 100),
          extraParts: extraParts.slice(0, 100),
        },
      );
    }
  }

  /**
   * Returns the object's ETag. When a concurrent call completed the upload first, storage refuses
   * ours but holds the finished object; the catalogue's conditional update then picks one winner.
   */
  private async completeInStorage(upload: UploadSession, storageUploadId: string, parts: StoredPart[]) {
    try {
      return await this.storage.completeMultipartUpload(upload.objectKey, storageUploadId, parts);
    } catch (error) {
      const object = await this.storage.headObject(upload.objectKey);
      if (object && object.size === upload.size) return object.etag;
      throw error;
    }
  }
}
