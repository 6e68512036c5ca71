import { type ChecksumAlgorithm, checksumOf } from "./checksums";
import type { ArtifactView, UploadBatchCompleted, UploadBatchOpened } from "./contract";
import { apiError } from "./errors";
import type { ApiTransport } from "./http";
import { singlePartChecksum } from "./part-pipeline";
import { sendPart } from "./part-send";
import { PartSigner } from "./part-signer";
import { retryPolicy } from "./retry";
import { createSha256 } from "./sha256";
import { toByteSource, type UploadSource } from "./sources";
import type { UploadOptions } from "./upload";

/** One source of an uploadMany call, with the options its own upload() would take. */
export interface UploadManyItem {
  source: UploadSource;
  options?: Omit<UploadOptions, "uploadId" | "signal">;
}

export type UploadManyResult = { ok: true; artifact: ArtifactView } | { ok: false; error: unknown };

export interface UploadManyOptions {
  /** PUTs in flight at once. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called as each item settles, with its index in the sources. */
  onResult?: (index: number, result: UploadManyResult) => void;
  /**
   * Called as the bytes of an item of a batch are in storage, before the batch's complete call
   * settles it (progress: a batch's items settle together).
   */
  onStored?: (index: number) => void;
}

/** What one batch call opens or completes at most (the API's limit). */
export const UPLOAD_BATCH_MAX = 100;

/**
 * Batches under way at once: the next is read, hashed and opened while the one before is sent
 * and completed (the server's open and complete calls take about as long as the PUTs).
 */
const BATCHES_IN_FLIGHT = 2;

/** Sources under this are read whole and go through the batch calls; larger ones upload alone. */
export const BATCH_SOURCE_MAX = 8 * 1024 * 1024;

interface Held {
  index: number;
  item: UploadManyItem;
  bytes: Uint8Array;
  name: string | undefined;
  type: string | undefined;
  md5: string;
  sha256: string;
}

const inParallel = async <T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    for (let at = next++; at < items.length; at = next++) await work(items[at] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
};

/** Runs at most `limit` works at once, however many callers share it. */
const limiter = (limit: number) => {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await work();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
};

type Limiter = ReturnType<typeof limiter>;

const errorOf = (failure: {
  status: number;
  error: { code: string; message: string; requestId: string; details?: Record<string, unknown> };
}) =>
  apiError(
    failure.status,
    failure.error.code,
    failure.error.message,
    failure.error.requestId,
    failure.error.details,
  );

/**
 * Small sources, many at a time: one call opens up to 100 uploads, their bytes go straight to
 * storage, one call completes them. Whatever the batch path cannot take (a large source, an upload
 * the server made multipart, a server that wants SHA-256 part checksums) goes through upload().
 */
/** Sources that give their bytes again when a batch item falls back to a single upload. */
const canReadAgain = (source: UploadSource): boolean =>
  typeof source === "string" ||
  source instanceof Uint8Array ||
  source instanceof ArrayBuffer ||
  (typeof Blob !== "undefined" && source instanceof Blob);

export class BatchUploader {
  constructor(
    private readonly transport: ApiTransport,
    private readonly uploadOne: (source: UploadSource, options: UploadOptions) => Promise<ArtifactView>,
  ) {}

  async uploadMany(
    items: readonly UploadManyItem[],
    options: UploadManyOptions = {},
  ): Promise<UploadManyResult[]> {
    const results: UploadManyResult[] = new Array(items.length);
    const settle = (index: number, result: UploadManyResult) => {
      results[index] = result;
      options.onResult?.(index, result);
    };
    const alone = async (index: number, uploadId?: string) => {
      const item = items[index] as UploadManyItem;
      try {
        const artifact = await this.uploadOne(item.source, {
          ...item.options,
          ...(uploadId ? { uploadId } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        settle(index, { ok: true, artifact });
      } catch (error) {
        settle(index, { ok: false, error });
      }
    };
    // One pool of PUTs for the batches under way: `concurrency` holds across them.
    const puts = limiter(options.concurrency ?? 8);
    const sending: Promise<void>[] = [];
    let batch: Held[] = [];
    try {
      for (let index = 0; index < items.length && !options.signal?.aborted; index += 1) {
        const held = await this.hold(index, items[index] as UploadManyItem).catch((error: unknown) => {
          settle(index, { ok: false, error });
          return null;
        });
        if (held === undefined) await alone(index);
        else if (held) batch.push(held);
        if (batch.length === UPLOAD_BATCH_MAX || (index === items.length - 1 && batch.length > 0)) {
          sending.push(this.sendBatch(batch, options, puts, settle, alone));
          batch = [];
          if (sending.length >= BATCHES_IN_FLIGHT) await sending.shift();
        }
      }
    } finally {
      // Every batch begun is answered before this returns, or throws for an abort.
      await Promise.all(sending);
    }
    options.signal?.throwIfAborted();
    return results;
  }

  /** A small source read whole and hashed; undefined for one that uploads alone. */
  private async hold(index: number, item: UploadManyItem): Promise<Held | undefined> {
    // A stream can be read once only: it goes alone, so the fallbacks below never get it spent.
    if (!canReadAgain(item.source)) return undefined;
    const source = await toByteSource(item.source);
    try {
      if (source.size >= BATCH_SOURCE_MAX) return undefined;
      const bytes = await source.read(0, source.size);
      const sha256 = item.options?.sha256 ?? source.knownSha256 ?? (await hexSha256(bytes));
      const { md5 } = await checksumOf(bytes, 1, ["md5"]);
      return { index, item, bytes, name: source.name, type: source.type, md5, sha256 };
    } finally {
      await source.close();
    }
  }

  private async sendBatch(
    batch: readonly Held[],
    options: UploadManyOptions,
    puts: Limiter,
    settle: (index: number, result: UploadManyResult) => void,
    alone: (index: number, uploadId?: string) => Promise<void>,
  ) {
    let opened: UploadBatchOpened;
    try {
      opened = await this.transport.request<UploadBatchOpened>("POST", "/v1/uploads/batch", {
        uploads: batch.map((held) => this.declaration(held)),
      });
    } catch (error) {
      // Every item is answered, even when the whole call fails.
      for (const held of batch) settle(held.index, { ok: false, error });
      return;
    }
    const toSend: {
      held: Held;
      uploadId: string;
      urls: PartSigner;
      algorithms: readonly ChecksumAlgorithm[];
    }[] = [];
    const later: { index: number; uploadId?: string }[] = [];
    for (const result of opened.results) {
      const held = batch[result.index] as Held;
      if (!result.ok) {
        if (result.error.code === "part_checksum_required") later.push({ index: held.index });
        else settle(held.index, { ok: false, error: errorOf(result) });
      } else if (result.upload.deduplicated) {
        settle(held.index, { ok: true, artifact: result.upload.artifact });
      } else if (result.upload.mode === "single" && result.upload.parts[0]) {
        // The URL the open answered, and the single-upload route to sign it again when it expired.
        const urls = new PartSigner(this.transport, result.upload.uploadId, () => []);
        urls.remember(result.upload.parts, result.upload.expiresAt);
        toSend.push({
          held,
          uploadId: result.upload.uploadId,
          urls,
          algorithms: result.upload.checksums?.algorithms ?? ["md5"],
        });
      } else {
        later.push({ index: held.index, uploadId: result.upload.uploadId });
      }
    }
    const sent: typeof toSend = [];
    await inParallel(toSend, options.concurrency ?? 8, async (each) => {
      try {
        const { held } = each;
        await puts(() =>
          sendPart(this.transport, {
            checksum: singlePartChecksum({ partNumber: 1, md5: held.md5 }, held.sha256, each.algorithms),
            body: held.bytes,
            reread: () => readWhole(held.item.source),
            urls: each.urls,
            retry: retryPolicy(this.transport.retry, held.item.options?.retry),
            ...(options.signal ? { signal: options.signal } : {}),
          }),
        );
        sent.push(each);
        options.onStored?.(held.index);
      } catch (error) {
        settle(each.held.index, { ok: false, error });
      }
    });
    if (sent.length > 0) {
      // Completing a completed upload answers its artifact again: safe to resend.
      let completed: UploadBatchCompleted;
      try {
        completed = await this.transport.request<UploadBatchCompleted>(
          "POST",
          "/v1/uploads/complete",
          { uploads: sent.map((each) => ({ uploadId: each.uploadId, sha256: each.held.sha256 })) },
          {},
          { idempotent: true },
        );
      } catch {
        // Their bytes are in storage: each is completed on its own instead (upload() resumes it).
        completed = { results: [] };
        later.push(...sent.map((each) => ({ index: each.held.index, uploadId: each.uploadId })));
      }
      for (const result of completed.results) {
        const { held } = sent[result.index] as (typeof sent)[number];
        settle(
          held.index,
          result.ok ? { ok: true, artifact: result.artifact } : { ok: false, error: errorOf(result) },
        );
      }
    }
    for (const { index, uploadId } of later) await alone(index, uploadId);
  }

  private declaration(held: Held): Record<string, unknown> {
    const options = held.item.options ?? {};
    const filename = options.filename ?? held.name;
    const { fetchedAt, ...provenance } = options.provenance ?? {};
    return {
      filename: filename ?? "",
      contentType: options.contentType ?? held.type ?? "application/octet-stream",
      size: held.bytes.length,
      sha256: held.sha256,
      md5: held.md5,
      ...(options.metadata ? { metadata: options.metadata } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.visibility ? { visibility: options.visibility } : {}),
      ...(options.provenance
        ? {
            provenance: {
              ...Object.fromEntries(Object.entries(provenance).filter(([, value]) => value != null)),
              ...(fetchedAt
                ? { fetchedAt: fetchedAt instanceof Date ? fetchedAt.toISOString() : fetchedAt }
                : {}),
            },
          }
        : {}),
      ...(options.expiresAt === undefined
        ? {}
        : {
            expiresAt:
              options.expiresAt instanceof Date ? options.expiresAt.toISOString() : options.expiresAt,
          }),
      ...(options.dedupe === false ? { dedupe: false } : {}),
    };
  }
}

const hexSha256 = async (bytes: Uint8Array): Promise<string> => {
  const hash = await createSha256();
  hash.update(bytes);
  return hash.hex();
};

/** A source read whole again (sources held for a batch are those that give their bytes again). */
const readWhole = async (input: UploadSource): Promise<Uint8Array> => {
  const source = await toByteSource(input);
  try {
    return await source.read(0, source.size);
  } finally {
    await source.close();
  }
};
