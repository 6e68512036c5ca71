import { ByteBudget } from "./byte-budget";
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
  /**
   * Bytes of small sources held in memory at once, across the batches under way (each is read
   * whole, hashed and kept until its PUT is done). Default 256 MiB.
   */
  maxHeldBytes?: number;
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

/** What uploadMany holds in memory by default: a browser tab has little more to spare. */
export const DEFAULT_MAX_HELD_BYTES = 256 * 1024 * 1024;

/** Sources under this are read whole and go through the batch calls; larger ones upload alone. */
export const BATCH_SOURCE_MAX = 8 * 1024 * 1024;

interface Held {
  index: number;
  item: UploadManyItem;
  /** The source's bytes until its PUT is done (or it needs none); then dropped, out of the budget. */
  bytes: Uint8Array | undefined;
  size: number;
  name: string | undefined;
  type: string | undefined;
  md5: string;
  sha256: string;
}

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
 * A batch call's results, checked to answer each item it sent exactly once: an index out of range
 * or twice would settle the wrong item, or none.
 */
const checkedResults = <T extends { index: number }>(results: readonly T[], count: number, route: string) => {
  const seen = new Set<number>();
  for (const { index } of results) {
    if (!Number.isInteger(index) || index < 0 || index >= count || seen.has(index))
      throw new Error(
        `The server's answer to ${route} is not one result per item: item ${index} of ${count}.`,
      );
    seen.add(index);
  }
  if (seen.size !== count)
    throw new Error(`The server's answer to ${route} has ${seen.size} results for ${count} items.`);
  return results;
};

/** Sources that give their bytes again when a batch item falls back to a single upload. */
const canReadAgain = (source: UploadSource): boolean =>
  typeof source === "string" ||
  source instanceof Uint8Array ||
  source instanceof ArrayBuffer ||
  (typeof Blob !== "undefined" && source instanceof Blob);

/**
 * Small sources, many at a time: one call opens up to 100 uploads, their bytes go straight to
 * storage, one call completes them. Whatever the batch path cannot take (a large source, an upload
 * the server made multipart, a server that wants SHA-256 part checksums) goes through upload().
 */
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
    // Content already under way, by SHA-256 and size: the same again waits for its artifact. The
    // server would answer it as a duplicate only once the first is complete, and batches overlap.
    const underWay = new Map<string, Promise<ArtifactView | undefined>>();
    const leading = new Map<number, { key: string; answer: (artifact?: ArtifactView) => void }>();
    const settle = (index: number, result: UploadManyResult) => {
      results[index] = result;
      const lead = leading.get(index);
      if (lead) {
        leading.delete(index);
        underWay.delete(lead.key);
        lead.answer(result.ok ? result.artifact : undefined);
      }
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
    const budget = new ByteBudget(options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES);
    const release = (held: Held) => {
      if (!held.bytes) return;
      held.bytes = undefined;
      budget.give(held.size);
    };
    // What the caller's onResult threw while a batch was answered in the background: thrown here.
    let callbackError: { error: unknown } | undefined;
    /** Whatever a batch left unanswered when it threw fails with that error, never unhandled. */
    const failRest = (batch: readonly Held[], error: unknown) => {
      try {
        for (const held of batch) {
          release(held);
          if (!results[held.index]) settle(held.index, { ok: false, error });
        }
      } catch (thrown) {
        callbackError ??= { error: thrown };
      }
    };
    // One pool of PUTs for the batches under way: `concurrency` holds across them.
    const puts = limiter(options.concurrency ?? 8);
    const sending: Promise<void>[] = [];
    const following: Promise<void>[] = [];
    let batch: Held[] = [];
    const flush = async () => {
      const full = batch;
      batch = [];
      sending.push(
        this.sendBatch(full, options, puts, settle, alone, release).catch((error: unknown) =>
          failRest(full, error),
        ),
      );
      if (sending.length >= BATCHES_IN_FLIGHT) await sending.shift();
    };
    /** Room for a source's bytes: the batch being gathered goes now if the budget is spent. */
    const room = async (size: number) => {
      if (!budget.fits(size) && batch.length > 0) await flush();
      await budget.take(size);
    };
    try {
      for (let index = 0; index < items.length && !options.signal?.aborted; index += 1) {
        const item = items[index] as UploadManyItem;
        const held = await this.hold(index, item, { room, give: (size) => budget.give(size) }).catch(
          (error: unknown) => {
            settle(index, { ok: false, error });
            return null;
          },
        );
        if (held === undefined) await alone(index);
        else if (held) {
          const key = `${held.sha256}:${held.size}`;
          const first = item.options?.dedupe === false ? undefined : underWay.get(key);
          if (first) {
            release(held);
            following.push(
              first
                .then(async (artifact) => {
                  if (artifact) settle(index, { ok: true, artifact });
                  else if (!options.signal?.aborted) await alone(index);
                })
                .catch((error: unknown) => {
                  callbackError ??= { error };
                }),
            );
          } else {
            if (!underWay.has(key))
              underWay.set(key, new Promise((answer) => leading.set(index, { key, answer })));
            batch.push(held);
          }
        }
        if (batch.length === UPLOAD_BATCH_MAX || (index === items.length - 1 && batch.length > 0))
          await flush();
      }
    } finally {
      // Every batch begun is answered before this returns, or throws for an abort.
      await Promise.all(sending);
      // Sources never sent (an abort) leave those waiting on them unanswered too.
      for (const { answer } of leading.values()) answer(undefined);
      await Promise.all(following);
    }
    if (callbackError) throw callbackError.error;
    options.signal?.throwIfAborted();
    return results;
  }

  /**
   * A small source read whole and hashed, once the budget has room for it; undefined for
   * one that uploads alone.
   */
  private async hold(
    index: number,
    item: UploadManyItem,
    budget: { room: (size: number) => Promise<void>; give: (size: number) => void },
  ): Promise<Held | undefined> {
    // A stream can be read once only: it goes alone, so the fallbacks below never get it spent.
    if (!canReadAgain(item.source)) return undefined;
    const source = await toByteSource(item.source);
    try {
      if (source.size >= BATCH_SOURCE_MAX) return undefined;
      await budget.room(source.size);
      const held: Held = {
        index,
        item,
        bytes: undefined,
        size: source.size,
        name: source.name,
        type: source.type,
        md5: "",
        sha256: "",
      };
      try {
        const bytes = await source.read(0, source.size);
        held.sha256 = item.options?.sha256 ?? source.knownSha256 ?? (await hexSha256(bytes));
        held.md5 = (await checksumOf(bytes, 1, ["md5"])).md5;
        held.bytes = bytes;
      } catch (error) {
        budget.give(source.size);
        throw error;
      }
      return held;
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
    release: (held: Held) => void,
  ) {
    let opened: UploadBatchOpened;
    try {
      opened = await this.transport.request<UploadBatchOpened>("POST", "/v1/uploads/batch", {
        uploads: batch.map((held) => this.declaration(held)),
      });
    } catch (error) {
      // Every item is answered, even when the whole call fails.
      for (const held of batch) {
        release(held);
        settle(held.index, { ok: false, error });
      }
      return;
    }
    const toSend: {
      held: Held;
      uploadId: string;
      urls: PartSigner;
      algorithms: readonly ChecksumAlgorithm[];
    }[] = [];
    const later: { index: number; uploadId?: string }[] = [];
    for (const result of checkedResults(opened.results, batch.length, "/v1/uploads/batch")) {
      const held = batch[result.index] as Held;
      if (!result.ok) {
        release(held);
        if (result.error.code === "part_checksum_required") later.push({ index: held.index });
        else settle(held.index, { ok: false, error: errorOf(result) });
      } else if (result.upload.deduplicated) {
        release(held);
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
        release(held);
        later.push({ index: held.index, uploadId: result.upload.uploadId });
      }
    }
    // Only what the complete call needs stays once the bytes are in storage.
    const sent: { index: number; uploadId: string; sha256: string }[] = [];
    await Promise.all(
      toSend.map(async ({ held, uploadId, urls, algorithms }) => {
        try {
          await puts(() =>
            sendPart(this.transport, {
              checksum: singlePartChecksum({ partNumber: 1, md5: held.md5 }, held.sha256, algorithms),
              body: held.bytes as Uint8Array,
              reread: () => readWhole(held.item.source),
              urls,
              retry: retryPolicy(this.transport.retry, held.item.options?.retry),
              ...(options.signal ? { signal: options.signal } : {}),
            }),
          );
          sent.push({ index: held.index, uploadId, sha256: held.sha256 });
          options.onStored?.(held.index);
        } catch (error) {
          settle(held.index, { ok: false, error });
        } finally {
          release(held);
        }
      }),
    );
    if (sent.length > 0) {
      // Completing a completed upload answers its artifact again: safe to resend.
      let completed: UploadBatchCompleted | undefined;
      try {
        completed = await this.transport.request<UploadBatchCompleted>(
          "POST",
          "/v1/uploads/complete",
          { uploads: sent.map(({ uploadId, sha256 }) => ({ uploadId, sha256 })) },
          {},
          { idempotent: true },
        );
      } catch {
        // Their bytes are in storage: each is completed on its own instead (upload() resumes it).
        later.push(...sent.map(({ index, uploadId }) => ({ index, uploadId })));
      }
      const answers = completed ? checkedResults(completed.results, sent.length, "/v1/uploads/complete") : [];
      for (const result of answers) {
        const { index } = sent[result.index] as (typeof sent)[number];
        settle(
          index,
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
      size: held.size,
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
