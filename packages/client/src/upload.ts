import type {
  ArtifactView,
  ProvenanceView,
  UploadCreated,
  UploadDeduplicated,
  UploadStatus,
} from "@artifact-store/api";
import { ArtifactStoreError, PartRejectedError, UploadInterruptedError } from "./errors";
import type { ApiTransport } from "./http";
import { PartSigner } from "./part-signer";
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy, sleep } from "./retry";
import { sha256Of } from "./sha256";
import { type ByteSource, toByteSource, type UploadSource } from "./sources";

export interface UploadProgress {
  uploadId: string;
  uploadedBytes: number;
  totalBytes: number;
  partsDone: number;
  partCount: number;
}

export interface UploadOptions {
  /** Defaults to the file's own name; required for buffers and streams. */
  filename?: string;
  contentType?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  visibility?: "private" | "public";
  /** Crawl provenance: source and final URL, HTTP status, fetched-at, job and run ids, user agent, headers. */
  provenance?: Partial<Omit<ProvenanceView, "fetchedAt">> & { fetchedAt?: string | Date };
  /**
   * The SHA-256 when the caller already knows it: declared when the upload opens. Otherwise it is
   * computed from the source while the parts upload, and declared at completion.
   *
   * Deduplication needs it: only a SHA-256 declared when the upload opens lets the server answer
   * an artifact of the caller's with the same content instead of opening an upload. Without it
   * (the hash computed while uploading) the bytes are always sent.
   */
  sha256?: string;
  /**
   * false uploads a new copy even when the caller already holds an artifact with the same
   * SHA-256 and size. Default true (it only takes effect with a known `sha256`).
   */
  dedupe?: boolean;
  /** Parts in flight at once. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  onProgress?: (progress: UploadProgress) => void;
  /** Resume this upload: only the parts storage does not hold yet are sent. */
  uploadId?: string;
  signal?: AbortSignal;
}

interface Plan {
  uploadId: string;
  artifactId: string;
  partSize: number;
  partCount: number;
  todo: number[];
  uploadedBytes: number;
}

const partBounds = (plan: Plan, size: number, partNumber: number): [number, number] => {
  const start = (partNumber - 1) * plan.partSize;
  return [start, Math.min(size, start + plan.partSize)];
};

/** Only the fields given, with fetchedAt as an ISO time. */
const provenanceBody = (provenance: NonNullable<UploadOptions["provenance"]>): Record<string, unknown> => {
  const { fetchedAt, ...rest } = provenance;
  const body: Record<string, unknown> = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== null && value !== undefined),
  );
  if (fetchedAt) body.fetchedAt = fetchedAt instanceof Date ? fetchedAt.toISOString() : fetchedAt;
  return body;
};

const isRetryableStatus = (status: number) => status >= 500 || status === 429 || status === 408;

export class Uploader {
  constructor(private readonly transport: ApiTransport) {}

  async upload(input: UploadSource, options: UploadOptions = {}): Promise<ArtifactView> {
    const source = await toByteSource(input);
    try {
      const declared = options.sha256 ?? source.knownSha256;
      // Hashing overlaps the upload instead of delaying it: a second sequential read of the source.
      const hashing = declared ? Promise.resolve(declared) : sha256Of(source.chunks());
      hashing.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
      const opened = options.uploadId
        ? await this.resume(options.uploadId, source)
        : await this.open(source, options, declared);
      if ("artifact" in opened) return opened.artifact; // deduplicated: nothing to send
      const { plan, signer } = opened;
      try {
        await this.sendParts(plan, source, signer, options);
        return await this.complete(plan, await hashing);
      } catch (error) {
        throw new UploadInterruptedError(plan.uploadId, error);
      }
    } finally {
      await source.close();
    }
  }

  private async open(source: ByteSource, options: UploadOptions, sha256: string | undefined) {
    const filename = options.filename ?? source.name;
    if (!filename)
      throw new TypeError("options.filename is required when the source has no name of its own.");
    const created = await this.transport.request<UploadCreated | UploadDeduplicated>("POST", "/v1/uploads", {
      filename,
      contentType: options.contentType ?? source.type ?? "application/octet-stream",
      size: source.size,
      ...(sha256 ? { sha256 } : {}),
      ...(options.metadata ? { metadata: options.metadata } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.visibility ? { visibility: options.visibility } : {}),
      ...(options.provenance ? { provenance: provenanceBody(options.provenance) } : {}),
      ...(options.dedupe === false ? { dedupe: false } : {}),
    });
    if (created.deduplicated) return { artifact: created.artifact };
    const plan: Plan = {
      uploadId: created.uploadId,
      artifactId: created.artifactId,
      partSize: created.partSize,
      partCount: created.partCount,
      todo: Array.from({ length: created.partCount }, (_, index) => index + 1),
      uploadedBytes: 0,
    };
    const signer = new PartSigner(this.transport, plan.uploadId, () => plan.todo);
    signer.remember(created.parts, created.expiresAt);
    return { plan, signer };
  }

  /** Picks up an interrupted upload from what storage already holds. */
  private async resume(uploadId: string, source: ByteSource) {
    const status = await this.transport.request<UploadStatus>("GET", `/v1/uploads/${uploadId}`);
    if (status.state !== "open" && status.state !== "completed") {
      throw new ArtifactStoreError(
        409,
        `upload_${status.state}`,
        `Upload ${uploadId} is ${status.state}.`,
        undefined,
      );
    }
    if (status.size !== source.size) {
      throw new TypeError(
        `The source has ${source.size} bytes; upload ${uploadId} was opened for ${status.size}.`,
      );
    }
    const plan: Plan = {
      uploadId,
      artifactId: status.artifactId,
      partSize: status.partSize,
      partCount: status.partCount,
      todo: [],
      uploadedBytes: 0,
    };
    const held = new Map(status.parts.map((part) => [part.partNumber, part.size]));
    for (let partNumber = 1; partNumber <= status.partCount; partNumber += 1) {
      const [start, end] = partBounds(plan, source.size, partNumber);
      if (status.state === "completed" || held.get(partNumber) === end - start)
        plan.uploadedBytes += end - start;
      else plan.todo.push(partNumber);
    }
    return { plan, signer: new PartSigner(this.transport, uploadId, () => plan.todo) };
  }

  private async sendParts(plan: Plan, source: ByteSource, signer: PartSigner, options: UploadOptions) {
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    let partsDone = plan.partCount - plan.todo.length;
    const report = () =>
      options.onProgress?.({
        uploadId: plan.uploadId,
        uploadedBytes: plan.uploadedBytes,
        totalBytes: source.size,
        partsDone,
        partCount: plan.partCount,
      });
    report();

    const queue = [...plan.todo];
    const worker = async () => {
      for (let partNumber = queue.shift(); partNumber !== undefined; partNumber = queue.shift()) {
        signal.throwIfAborted();
        const [start, end] = partBounds(plan, source.size, partNumber);
        const body = source.slice ? source.slice(start, end) : await source.read(start, end);
        await this.sendPart(partNumber, body, signer, retry, signal);
        plan.todo = plan.todo.filter((n) => n !== partNumber);
        plan.uploadedBytes += end - start;
        partsDone += 1;
        report();
      }
    };
    const workers = Array.from(
      { length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) },
      () =>
        worker().catch((error: unknown) => {
          stop.abort(error); // one fatal part stops the others: the upload is resumable anyway
          throw error;
        }),
    );
    const results = await Promise.allSettled(workers);
    const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure) throw options.signal?.aborted ? options.signal.reason : failure.reason;
  }

  private async sendPart(
    partNumber: number,
    body: Uint8Array | Blob,
    signer: PartSigner,
    retry: RetryPolicy,
    signal: AbortSignal,
  ): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const part = await signer.urlFor(partNumber);
      let status: number;
      let text = "";
      try {
        const response = await this.transport.fetch(part.url, {
          method: part.method,
          headers: part.headers,
          body: body as BodyInit,
          signal,
        });
        status = response.status;
        text = response.ok ? "" : await response.text();
        if (response.ok) {
          await response.body?.cancel();
          return;
        }
      } catch (error) {
        if (signal.aborted || attempt >= retry.retries) throw error;
        await sleep(backoffDelay(retry, attempt), signal);
        continue;
      }
      // 403 is what storage answers for an expired signature: sign again and retry.
      if (status === 403) signer.forget(partNumber);
      else if (!isRetryableStatus(status)) throw new PartRejectedError(partNumber, status, text);
      if (attempt >= retry.retries) throw new PartRejectedError(partNumber, status, text);
      await sleep(backoffDelay(retry, attempt), signal);
    }
  }

  private complete(plan: Plan, sha256: string): Promise<ArtifactView> {
    return this.transport.request<ArtifactView>("POST", `/v1/uploads/${plan.uploadId}/complete`, { sha256 });
  }
}
