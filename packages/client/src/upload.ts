import type { ChecksumAlgorithm } from "./checksums";
import type {
  ArtifactView,
  ProvenanceView,
  UploadCreated,
  UploadDeduplicated,
  UploadStatus,
} from "./contract";
import {
  ArtifactCorruptError,
  ConflictError,
  NotFoundError,
  UploadInterruptedError,
  VerificationTimeoutError,
} from "./errors";
import type { ApiTransport } from "./http";
import { contentHashing } from "./part-hashing";
import { type PartFeed, PartPipeline, preparedParts, singlePartChecksum } from "./part-pipeline";
import { sendPart } from "./part-send";
import { PartSigner } from "./part-signer";
import { ProgressThrottle } from "./progress";
import { type RetryPolicy, retryPolicy, sleep } from "./retry";
import { type ByteSource, toByteSource, type UploadSource } from "./sources";
import { anySignal } from "./stall";

export interface UploadProgress {
  uploadId: string;
  /**
   * Bytes storage holds or is being sent: those of the parts done, and of the parts in flight as
   * far as fetch has taken them. It goes back when a part in flight fails and is sent again.
   */
  uploadedBytes: number;
  totalBytes: number;
  partsDone: number;
  partCount: number;
}

/**
 * Where an upload's time went, in milliseconds. The first four are wall clock; the rest are summed
 * over parts that overlap one another, so they say what kept the upload busy, not its length.
 */
export interface UploadTiming {
  totalMs: number;
  /** Hashing a small source before its upload opened, and opening it (or asking for its state). */
  openMs: number;
  /** From the first part read to the last part stored. */
  partsMs: number;
  completeMs: number;
  /** Reading the source. */
  readMs: number;
  /** Hashing: MD5, the parts' SHA-256 where storage checks it, the whole SHA-256 (off the sending thread in Node). */
  hashMs: number;
  /** Requests for part URLs. */
  signMs: number;
  signRequests: number;
  /** Part PUTs, summed over the parts in flight. */
  sendMs: number;
  /** Senders idle, waiting for a part to be read and hashed. */
  waitedOnHashMs: number;
  /** Senders idle, waiting for a part's URL. */
  waitedOnSignMs: number;
}

/** How long `waitUntil: "verified"` waits by default: long enough for the scheduled run, the net. */
export const DEFAULT_VERIFY_TIMEOUT_MS = 10 * 60_000;

export interface WaitOptions {
  /** Give up after this long with a VerificationTimeoutError. Default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
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
  /** When the artifact is to be deleted (in the future, at most 10 years ahead). */
  expiresAt?: string | Date;
  /**
   * Bytes per part, instead of the server's choice: 5 MiB..5 GiB, at most 10,000 parts (the
   * server answers 400 invalid_part_size otherwise). Implies multipart.
   */
  partSize?: number;
  /** Parts in flight at once. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Called at the start, as bytes move (at least every MiB or 250 ms: on Node as fetch takes the
   * body, in browsers as XMLHttpRequest sends it), when each part is done, and at the end. With a
   * fetch of your own that is not streamed to, parts count only once done.
   */
  onProgress?: (progress: UploadProgress) => void;
  /** Called once the upload is recorded, with where its time went. */
  onTiming?: (timing: UploadTiming) => void;
  /**
   * "uploaded" (default): resolve once the store recorded the artifact. "verified": also wait until
   * its SHA-256 was checked against the stored bytes (at completion for small artifacts, just
   * after it for large ones, which takes about as long as reading them back), failing with an
   * ArtifactCorruptError when they do not match and a VerificationTimeoutError after `waitTimeoutMs`.
   */
  waitUntil?: "uploaded" | "verified";
  /** How long `waitUntil: "verified"` waits. Default 10 minutes. */
  waitTimeoutMs?: number;
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

/**
 * Sources below this (the server's default single-PUT threshold) are hashed before the upload
 * opens, so the answer already carries their PUT URL, signed with their MD5.
 */
const HASH_BEFORE_OPEN_MAX = 8 * 1024 * 1024;

/** A promise that rejects as soon as the signal aborts, for waits that would not notice otherwise. */
const abortable = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });

interface Opened {
  plan: Plan;
  algorithms: readonly ChecksumAlgorithm[];
  signed?: { parts: UploadCreated["parts"]; expiresAt: string };
}

export class Uploader {
  constructor(private readonly transport: ApiTransport) {}

  async upload(input: UploadSource, options: UploadOptions = {}): Promise<ArtifactView> {
    const artifact = await this.send(input, options);
    if (options.waitUntil !== "verified") return artifact;
    return waitUntilVerified(this.transport, artifact, {
      ...(options.waitTimeoutMs === undefined ? {} : { timeoutMs: options.waitTimeoutMs }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  private async send(input: UploadSource, options: UploadOptions): Promise<ArtifactView> {
    const started = performance.now();
    const source = await toByteSource(input);
    const stopReading = new AbortController();
    const reading = anySignal([options.signal, stopReading.signal]);
    const feeds: PartFeed[] = [];
    try {
      const declared = options.sha256 ?? source.knownSha256;
      const small = !options.uploadId && source.size < HASH_BEFORE_OPEN_MAX;
      const whole = small ? await this.hashWhole(source, declared, reading) : undefined;
      if (whole) feeds.push(whole.feed);
      const opened = options.uploadId
        ? await this.resume(options.uploadId, source)
        : await this.open(source, options, declared, whole?.part.checksum.md5);
      if ("artifact" in opened) return opened.artifact; // deduplicated: nothing to send
      const { plan, algorithms, signed } = opened;
      const timing = { openMs: performance.now() - started, sendMs: 0, waitedOnHashMs: 0, waitedOnSignMs: 0 };
      const partsStarted = performance.now();
      // A small source hashed before it opened is sent as it was read, when it is one part (and
      // the SHA-256 storage may check is one computed, not one declared).
      let signer: PartSigner | undefined;
      const feed =
        whole && plan.partCount === 1 && !(declared && algorithms.includes("sha256"))
          ? preparedParts(
              [
                {
                  ...whole.part,
                  checksum: singlePartChecksum(whole.part.checksum, whole.sha256, algorithms),
                },
              ],
              whole.sha256,
              whole.feed.times,
            )
          : await this.readParts(source, plan, algorithms, declared ?? whole?.sha256, reading, options, () =>
              signer?.signAhead(),
            );
      feeds.push(feed);
      signer = new PartSigner(this.transport, plan.uploadId, () => feed.hashedAhead());
      if (signed) signer.remember(signed.parts, signed.expiresAt);
      try {
        await this.sendParts(plan, source, signer, feed, options, timing);
        const sha256 = await feed.sha256;
        const partsMs = performance.now() - partsStarted;
        const completeStarted = performance.now();
        const artifact = await this.complete(plan, sha256);
        options.onTiming?.({
          totalMs: performance.now() - started,
          openMs: timing.openMs,
          partsMs,
          completeMs: performance.now() - completeStarted,
          readMs: feeds.reduce((sum, f) => sum + f.times.readMs, 0),
          hashMs: feeds.reduce((sum, f) => sum + f.times.hashMs, 0),
          ...signer.times,
          sendMs: timing.sendMs,
          waitedOnHashMs: timing.waitedOnHashMs,
          waitedOnSignMs: timing.waitedOnSignMs,
        });
        return artifact;
      } catch (error) {
        throw new UploadInterruptedError(plan.uploadId, error);
      }
    } finally {
      stopReading.abort();
      for (const feed of feeds) feed.close();
      await source.close();
    }
  }

  /** The parts to send, read once and hashed on the hashing thread a few parts ahead of the senders. */
  private async readParts(
    source: ByteSource,
    plan: Plan,
    algorithms: readonly ChecksumAlgorithm[],
    sha256: string | undefined,
    signal: AbortSignal,
    options: UploadOptions,
    /** A part was hashed: its URL can be signed before a sender asks. */
    onHashed: () => void,
  ): Promise<PartFeed> {
    return new PartPipeline(
      source,
      { ...plan, size: source.size },
      plan.todo,
      algorithms,
      await contentHashing(source.size),
      {
        sha256,
        signal,
        ahead: Math.max(2, Math.ceil((options.concurrency ?? 4) / 2)),
        onHashed,
      },
    );
  }

  /** The MD5 of a small source, with its SHA-256 unless known, in one read; the bytes are kept to send. */
  private async hashWhole(source: ByteSource, sha256: string | undefined, signal: AbortSignal) {
    const feed = new PartPipeline(
      source,
      { size: source.size, partSize: source.size, partCount: 1 },
      [1],
      ["md5"],
      await contentHashing(source.size),
      { sha256, signal, ahead: 1 },
    );
    const part = await feed.take();
    if (!part) throw new Error("A source of one part gave none.");
    return { part, sha256: await feed.sha256, feed };
  }

  private async open(
    source: ByteSource,
    options: UploadOptions,
    sha256: string | undefined,
    md5: string | undefined,
  ): Promise<Opened | { artifact: ArtifactView }> {
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
      ...(options.expiresAt === undefined
        ? {}
        : {
            expiresAt:
              options.expiresAt instanceof Date ? options.expiresAt.toISOString() : options.expiresAt,
          }),
      ...(options.dedupe === false ? { dedupe: false } : {}),
      ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
      ...(md5 ? { md5 } : {}),
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
    return {
      plan,
      algorithms: created.checksums?.algorithms ?? ["md5"],
      signed: { parts: created.parts, expiresAt: created.expiresAt },
    };
  }

  /** Picks up an interrupted upload from what storage already holds. */
  private async resume(uploadId: string, source: ByteSource): Promise<Opened> {
    const status = await this.transport.request<UploadStatus>("GET", `/v1/uploads/${uploadId}`);
    if (status.state !== "open" && status.state !== "completed") {
      throw new ConflictError(
        409,
        status.state === "aborted" ? "upload_aborted" : "upload_expired",
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
    return { plan, algorithms: status.checksums?.algorithms ?? ["md5"] };
  }

  private async sendParts(
    plan: Plan,
    source: ByteSource,
    signer: PartSigner,
    feed: PartFeed,
    options: UploadOptions,
    timing: { sendMs: number; waitedOnHashMs: number; waitedOnSignMs: number },
  ) {
    const retry = retryPolicy(this.transport.retry, options.retry);
    const stop = new AbortController();
    const signal = anySignal([options.signal, stop.signal]);
    let partsDone = plan.partCount - plan.todo.length;
    // Bytes fetch has taken of each part in flight.
    const inFlight = new Map<number, number>();
    const uploadedBytes = () => {
      let bytes = plan.uploadedBytes;
      for (const sent of inFlight.values()) bytes += sent;
      return bytes;
    };
    const { onProgress } = options;
    const progress = onProgress
      ? new ProgressThrottle(uploadedBytes, () =>
          onProgress({
            uploadId: plan.uploadId,
            uploadedBytes: uploadedBytes(),
            totalBytes: source.size,
            partsDone,
            partCount: plan.partCount,
          }),
        )
      : undefined;
    progress?.moved(true);

    const worker = async () => {
      for (;;) {
        signal.throwIfAborted();
        const waitStarted = performance.now();
        const prepared = await abortable(feed.take(), signal);
        timing.waitedOnHashMs += performance.now() - waitStarted;
        if (!prepared) return;
        const { checksum, body } = prepared;
        const part = checksum.partNumber;
        const [start, end] = partBounds(plan, source.size, part);
        const reread = () => source.read(start, end);
        const sent = (bytes: number) => {
          inFlight.set(part, bytes);
          progress?.moved();
        };
        try {
          await sendPart(this.transport, {
            checksum,
            body,
            reread,
            urls: signer,
            retry,
            signal,
            times: timing,
            ...(progress ? { onSent: sent } : {}),
          });
        } finally {
          inFlight.delete(part);
        }
        feed.release(prepared);
        plan.todo = plan.todo.filter((n) => n !== part);
        plan.uploadedBytes += end - start;
        partsDone += 1;
        progress?.moved(true);
      }
    };
    const workers = Array.from(
      { length: Math.max(1, Math.min(options.concurrency ?? 4, plan.todo.length)) },
      () =>
        worker().catch((error: unknown) => {
          stop.abort(error); // one fatal part stops the others: the upload is resumable anyway
          throw error;
        }),
    );
    const results = await Promise.allSettled(workers);
    progress?.close();
    const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure) throw options.signal?.aborted ? options.signal.reason : failure.reason;
  }

  private complete(plan: Plan, sha256: string): Promise<ArtifactView> {
    // Completing a completed upload answers its artifact again, so a stalled complete is resent.
    return this.transport.request<ArtifactView>(
      "POST",
      `/v1/uploads/${plan.uploadId}/complete`,
      { sha256 },
      {},
      { idempotent: true },
    );
  }
}

const POLL_FIRST_MS = 100;
const POLL_MAX_MS = 3_000;

/**
 * The wait before the next poll: a tenth of the time waited so far (100 ms to 3 s), so an answer
 * comes at most about 10% after the verification did, however long reading the bytes back took.
 */
const pollDelay = (waitedMs: number): number => Math.min(POLL_MAX_MS, Math.max(POLL_FIRST_MS, waitedMs / 10));

/**
 * Polls the artifact until it is verified (resolves with it) or corrupt (ArtifactCorruptError),
 * up to `timeoutMs` (VerificationTimeoutError). Polls start 100 ms apart and slow to 3 s.
 */
export const waitUntilVerified = async (
  transport: ApiTransport,
  artifact: ArtifactView | string,
  options: WaitOptions = {},
): Promise<ArtifactView> => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  if (!(timeoutMs >= 0)) throw new RangeError("timeoutMs must be a number of milliseconds.");
  const started = Date.now();
  const deadline = started + timeoutMs;
  const id = typeof artifact === "string" ? artifact : artifact.id;
  let current =
    typeof artifact === "string"
      ? await transport.request<ArtifactView>("GET", `/v1/artifacts/${encodeURIComponent(id)}`)
      : artifact;
  for (;;) {
    if (current.state === "verified") return current;
    if (current.state === "corrupt") throw new ArtifactCorruptError(current);
    if (current.state === "deleted") {
      throw new NotFoundError(404, "artifact_not_found", `Artifact ${id} was deleted.`, undefined);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new VerificationTimeoutError(current, timeoutMs);
    await sleep(Math.min(pollDelay(Date.now() - started), left), options.signal);
    current = await transport.request<ArtifactView>("GET", `/v1/artifacts/${encodeURIComponent(id)}`);
  }
};
