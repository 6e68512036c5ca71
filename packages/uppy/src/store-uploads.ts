import type { ArtifactView, UploadChecksums } from "@artifact-store/client";
import { createHasher, type Hasher } from "./hashing";
import { planDisagreement, uppyPartSize } from "./part-cut";
import { type CompletedPart, type PartChecksum, StoreApi, type StoreConnection } from "./store-api";

/** What this package reads of an Uppy file; the same in Uppy 5 and 6. */
export interface UppyFileLike {
  id: string;
  name?: string | undefined;
  type?: string | undefined;
  size: number | null;
  data: Blob;
  meta: Record<string, unknown>;
  progress?: { uploadComplete?: boolean };
  error?: unknown;
}

/** What this package calls on an Uppy instance (5.x or 6.x). */
export interface UppyLike {
  getFile(id: string): unknown;
  getFiles(): unknown[];
  setFileMeta(id: string, meta: Record<string, unknown>): void;
  addPreProcessor(fn: (fileIDs: string[]) => Promise<void>): void;
  addPostProcessor(fn: (fileIDs: string[]) => Promise<void>): void;
  log(message: unknown, type?: string): void;
}

export interface ArtifactStoreOptions extends StoreConnection {
  /** Heard once per file the store has recorded (its artifact is in file.meta.artifactId too). */
  onArtifact?: (fileId: string, artifact: ArtifactView) => void;
  /**
   * The part size to prefer (bytes; Uppy keeps it at 5 MiB or more, and grows it to keep within
   * 10,000 parts). Unset: the store's preferred part size (UPLOAD_PART_SIZE_BYTES), learned from
   * GET /v1/uploads/plan before the first upload opens and kept for this Uppy's life.
   */
  partSize?: number;
}

/**
 * The store's plan for one file, kept in its meta so it outlives a page reload (Golden Retriever
 * persists meta, and a restored upload resumes past the preprocessor that made the plan).
 */
export interface StorePlan {
  uploadId: string;
  artifactId: string;
  mode: "single" | "multipart";
  size: number;
  partSize: number;
  partCount: number;
  checksums: UploadChecksums;
  /** The preferred part size the cut was made from (absent in plans of older versions: their partSize). */
  preferredPartSize?: number;
}

export const PLAN_META = "artifactStore";

/** A signed storage request: send exactly these headers (content-type, content-md5 ... are signed in). */
export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
}

/**
 * One Uppy instance's uploads into the store, whichever @uppy/aws-s3 drives them. The plan comes
 * first (a preprocessor opens the upload before Uppy slices the file, so Uppy cuts the parts the
 * store signs), every part URL is signed with the part's own checksums, the whole SHA-256 is
 * hashed in a worker while the parts go up, and completion declares it.
 */
export class StoreUploads {
  readonly api: StoreApi;
  private readonly hasher: Hasher;
  private readonly wholeHashes = new Map<string, Promise<string>>();
  private readonly partHashes = new Map<string, Promise<PartChecksum>>();
  private preferredPartSize: number | undefined;

  constructor(
    private readonly uppy: UppyLike,
    private readonly options: ArtifactStoreOptions,
  ) {
    this.api = new StoreApi(options);
    this.hasher = createHasher();
    if (options.partSize !== undefined && !(Number.isSafeInteger(options.partSize) && options.partSize > 0))
      throw new Error(
        `@artifact-store/uppy: partSize must be a whole number of bytes, not ${options.partSize}.`,
      );
    this.preferredPartSize = options.partSize;
    uppy.addPreProcessor((ids) => this.openUploads(ids));
    uppy.addPostProcessor((ids) => this.completeUploads(ids));
  }

  file(fileId: string): UppyFileLike {
    const file = this.uppy.getFile(fileId) as UppyFileLike | undefined;
    if (!file) throw new Error(`Uppy holds no file ${fileId}.`);
    return file;
  }

  plan(fileId: string): StorePlan {
    const plan = this.file(fileId).meta[PLAN_META] as StorePlan | undefined;
    if (!plan)
      throw new Error(`File ${fileId} has no upload in the store yet (was the preprocessor skipped?).`);
    return plan;
  }

  /** The file an upload id belongs to (after a reload, only the files' meta knows). */
  fileOfUpload(uploadId: string): UppyFileLike {
    const file = (this.uppy.getFiles() as UppyFileLike[]).find(
      (candidate) => (candidate.meta[PLAN_META] as StorePlan | undefined)?.uploadId === uploadId,
    );
    if (!file) throw new Error(`No file of this Uppy is upload ${uploadId}.`);
    return file;
  }

  /**
   * The part size Uppy cuts a file of this size into, which is the one its upload was opened with:
   * one pure function of the size and the preferred part size, which is fixed for this Uppy's life
   * once known, so getChunkSize and the store's plan cannot differ (even for two files of one size).
   */
  partSizeFor(size: number): number {
    return uppyPartSize(size, this.preferred());
  }

  /**
   * The preferred part size: the option, the store's (learned when the first upload opens), or,
   * where Golden Retriever's restore resumes uploads past the preprocessor after a reload, the one
   * the restored plans were cut from (one adapter's plans share it; plans that do not are refused).
   */
  private preferred(): number {
    if (this.preferredPartSize !== undefined) return this.preferredPartSize;
    const restored = new Set(
      (this.uppy.getFiles() as UppyFileLike[])
        .map((file) => file.meta[PLAN_META] as StorePlan | undefined)
        .filter((plan) => plan?.mode === "multipart")
        .map((plan) => plan?.preferredPartSize ?? plan?.partSize),
    );
    const [only] = restored;
    if (restored.size === 1 && only !== undefined) {
      this.preferredPartSize = only;
      return only;
    }
    throw new Error(
      restored.size > 1
        ? "@artifact-store/uppy: the restored uploads were cut from different part sizes; remove them and add them again."
        : "@artifact-store/uppy: Uppy asked for a part size before any upload was opened.",
    );
  }

  /** The whole file's SHA-256 (hex), hashed once in the worker; started when the upload opens. */
  wholeSha256(fileId: string): Promise<string> {
    let hash = this.wholeHashes.get(fileId);
    if (!hash) {
      hash = this.hasher.digest(this.file(fileId).data, { sha256Hex: true }).then((d) => d.sha256Hex ?? "");
      this.wholeHashes.set(fileId, hash);
      hash.catch(() => this.wholeHashes.delete(fileId));
    }
    return hash;
  }

  /** Part `partNumber` of the file as the store planned it (Uppy cuts the same bytes). */
  partBytes(fileId: string, partNumber: number): Blob {
    const { partSize } = this.plan(fileId);
    const start = (partNumber - 1) * partSize;
    return this.file(fileId).data.slice(start, start + partSize);
  }

  /** A part's checksums (md5, and sha256 where storage checks it): hashed ahead, or now from `bytes`. */
  partChecksum(fileId: string, partNumber: number, bytes?: Blob): Promise<PartChecksum> {
    const key = `${fileId}:${partNumber}`;
    const ready = bytes ? undefined : this.partHashes.get(key);
    this.partHashes.delete(key);
    return ready ?? this.hashPart(fileId, partNumber, bytes ?? this.partBytes(fileId, partNumber));
  }

  /** Hashes a part ahead, so its checksums are ready when Uppy (6: one part at a time) asks to sign it. */
  prepare(fileId: string, partNumber: number): void {
    const key = `${fileId}:${partNumber}`;
    if (partNumber > this.plan(fileId).partCount || this.partHashes.has(key)) return;
    const checksum = this.hashPart(fileId, partNumber, this.partBytes(fileId, partNumber));
    checksum.catch(() => this.partHashes.delete(key));
    this.partHashes.set(key, checksum);
  }

  private async hashPart(fileId: string, partNumber: number, bytes: Blob): Promise<PartChecksum> {
    const sha256 = this.plan(fileId).checksums.algorithms.includes("sha256");
    const digests = await this.hasher.digest(bytes, { md5: true, sha256 });
    return { partNumber, md5: digests.md5 ?? "", ...(digests.sha256 ? { sha256: digests.sha256 } : {}) };
  }

  /** A storage URL for one part (or the single PUT as part 1), signed with that part's checksums. */
  async signPart(fileId: string, partNumber: number, bytes?: Blob): Promise<SignedRequest> {
    const { uploadId } = this.plan(fileId);
    const checksum = await this.partChecksum(fileId, partNumber, bytes);
    const signed = await this.api.signParts(uploadId, [checksum]);
    const part = signed.parts[0];
    if (!part) throw new Error(`The store signed no URL for part ${partNumber} of upload ${uploadId}.`);
    return { url: part.url, headers: part.headers };
  }

  /** Completes the upload with the whole SHA-256; completing again answers the same artifact. */
  async complete(fileId: string, parts?: CompletedPart[]): Promise<ArtifactView> {
    const { uploadId } = this.plan(fileId);
    const artifact = await this.api.complete(uploadId, await this.wholeSha256(fileId), parts);
    this.wholeHashes.delete(fileId);
    this.uppy.setFileMeta(fileId, { artifactId: artifact.id });
    this.options.onArtifact?.(fileId, artifact);
    return artifact;
  }

  /** Preprocessor: opens each file's upload (or finds it still open after a reload) before Uppy slices it. */
  private async openUploads(fileIDs: string[]): Promise<void> {
    await Promise.all(fileIDs.map((fileId) => this.openUpload(fileId)));
  }

  private async openUpload(fileId: string): Promise<void> {
    const file = this.file(fileId);
    const size = file.data.size;
    const known = file.meta[PLAN_META] as StorePlan | undefined;
    const resumable = known && (await this.stillOpen(known.uploadId));
    if (!resumable || this.preferredPartSize === undefined) {
      const planned = await this.api.plan(size);
      if (!Number.isSafeInteger(planned.preferredPartSize) || planned.preferredPartSize <= 0)
        throw new Error(
          `@artifact-store/uppy: the store's preferred part size is ${planned.preferredPartSize}.`,
        );
      this.preferredPartSize ??= planned.preferredPartSize;
      if (resumable) return this.resume(fileId, known);
      return this.open(fileId, file, planned.mode);
    }
    return this.resume(fileId, known);
  }

  /** An upload still open after a reload goes on, if Uppy cuts the file as it was planned. */
  private resume(fileId: string, known: StorePlan): void {
    if (known.mode === "multipart" && known.partSize !== this.partSizeFor(known.size))
      throw new Error(
        `@artifact-store/uppy: upload ${known.uploadId} was opened with ${known.partSize}-byte parts, ` +
          `but Uppy now cuts ${this.partSizeFor(known.size)}-byte parts; remove the file and add it again.`,
      );
    void this.wholeSha256(fileId).catch(() => {});
  }

  /** Opens the upload in Uppy's cut (multipart) or as one PUT, as the store's plan for the size says. */
  private async open(fileId: string, file: UppyFileLike, mode: StorePlan["mode"]): Promise<void> {
    const size = file.data.size;
    const partSize = this.partSizeFor(size);
    const opened = await this.api.createUpload({
      filename: file.name || "upload.bin",
      contentType: file.type || "application/octet-stream",
      size,
      ...(mode === "multipart" ? { partSize } : { multipart: false as const }),
    });
    if (opened.deduplicated) throw new Error("The store answered a duplicate it was told not to look for.");
    const disagreement =
      mode === "multipart"
        ? planDisagreement(size, partSize, opened)
        : opened.mode === "single" && opened.partCount === 1
          ? undefined
          : `the store planned a ${opened.mode} upload of ${opened.partCount} parts, not one PUT`;
    if (disagreement) {
      void this.api.abort(opened.uploadId).catch(() => {});
      throw new Error(`@artifact-store/uppy cannot upload ${file.name ?? fileId}: ${disagreement}.`);
    }
    const plan: StorePlan = {
      uploadId: opened.uploadId,
      artifactId: opened.artifactId,
      mode: opened.mode,
      size,
      partSize: opened.partSize,
      partCount: opened.partCount,
      checksums: opened.checksums,
      preferredPartSize: this.preferred(),
    };
    this.uppy.setFileMeta(fileId, { [PLAN_META]: plan });
    void this.wholeSha256(fileId).catch(() => {});
  }

  private async stillOpen(uploadId: string): Promise<boolean> {
    try {
      return (await this.api.status(uploadId)).state === "open";
    } catch {
      return false;
    }
  }

  /** Postprocessor: records each uploaded file's artifact (those multipart already completed answer again). */
  private async completeUploads(fileIDs: string[]): Promise<void> {
    await Promise.all(
      fileIDs.map(async (fileId) => {
        const file = this.uppy.getFile(fileId) as UppyFileLike | undefined;
        if (!file || file.error || !file.progress?.uploadComplete || file.meta.artifactId) return;
        await this.complete(fileId);
      }),
    );
  }
}
