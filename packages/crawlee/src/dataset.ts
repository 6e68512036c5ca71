import type { ArtifactView } from "@artifact-store/client";
import type {
  DatasetClient,
  DatasetClientListOptions,
  DatasetInfo,
  Dictionary,
  PaginatedList,
} from "@crawlee/types";
import type { BatchMetadata } from "./naming";
import {
  baseTags,
  deleteQuietly,
  download,
  runProvenance,
  type StoreContext,
  storeQuery,
} from "./store-context";

const SEARCH_PAGE = 500;
/** Items buffered longer than this are written even when the batch is not full. */
const FLUSH_AFTER_MS = 5_000;

interface Batch {
  artifact: ArtifactView;
  itemCount: number;
}

const batchOf = (artifact: ArtifactView): Batch & { writer: string; number: number } => {
  const meta = (artifact.metadata as { crawlee?: Partial<BatchMetadata> }).crawlee ?? {};
  return {
    artifact,
    itemCount: typeof meta.itemCount === "number" ? meta.itemCount : 0,
    writer: meta.writer ?? "",
    number: meta.batch ?? 0,
  };
};

/** Crawlee hands items as objects, or (from `Dataset.pushData`) as JSON text of one or of several. */
const toLines = (items: unknown): string[] =>
  (Array.isArray(items) ? items : [items]).flatMap((item) => {
    const value = typeof item === "string" ? JSON.parse(item) : item;
    return (Array.isArray(value) ? value : [value]).map((one) => JSON.stringify(one));
  });

const parseLines = (text: string): unknown[] =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));

/**
 * A Crawlee dataset as JSON Lines artifacts: pushed items are buffered and written as one artifact
 * per batch (`datasetBatch.items` items or `.bytes` bytes, whichever comes first, or after 5 s).
 * Items count from the oldest batch on; `listItems` reads only the batches its range touches. Reads
 * and `teardown` (which a crawler calls at the end of `run`) write what is buffered first.
 */
export class ArtifactStoreDatasetClient<Data extends Dictionary = Dictionary> implements DatasetClient<Data> {
  private pending: string[] = [];
  private pendingBytes = 0;
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private batchNumber = 0;

  constructor(
    private readonly context: StoreContext,
    readonly name: string,
    private readonly openedAt: Date,
  ) {}

  async get(): Promise<DatasetInfo> {
    await this.flush();
    const batches = await this.batches();
    const now = new Date();
    return {
      id: this.name,
      name: this.name,
      createdAt: this.openedAt,
      modifiedAt: now,
      accessedAt: now,
      itemCount: batches.reduce((sum, batch) => sum + batch.itemCount, 0),
    };
  }

  async update(): Promise<Partial<DatasetInfo>> {
    throw new Error("Renaming a dataset is not supported: its name is in every batch's tags.");
  }

  /** Deletes every batch; items still buffered are dropped. */
  async delete(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    await this.flushing.catch(() => {});
    for (const batch of await this.batches()) await deleteQuietly(this.context, batch.artifact.id);
  }

  async downloadItems(): Promise<Buffer> {
    throw new Error("downloadItems is not supported (nor by Crawlee's memory storage): use listItems.");
  }

  async pushItems(items: Data | Data[] | string | string[]): Promise<void> {
    for (const line of toLines(items)) {
      this.pending.push(line);
      this.pendingBytes += Buffer.byteLength(line) + 1;
    }
    const { items: maxItems, bytes: maxBytes } = this.context.datasetBatch;
    if (this.pending.length >= maxItems || this.pendingBytes >= maxBytes) return this.flush();
    this.timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_AFTER_MS).unref();
  }

  listItems(options: DatasetClientListOptions = {}): AsyncIterable<Data> & Promise<PaginatedList<Data>> {
    const page = this.page(options);
    return Object.assign(page, {
      [Symbol.asyncIterator]: async function* () {
        yield* (await page).items;
      },
    });
  }

  /** Writes the buffered items as one batch; batches are written one after another, in order. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.catch(() => {}).then(() => this.writeBatch());
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    const lines = this.pending;
    if (lines.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    this.batchNumber += 1;
    const metadata: BatchMetadata = {
      kind: "dataset",
      store: this.name,
      itemCount: lines.length,
      batch: this.batchNumber,
      writer: this.context.writer,
    };
    try {
      await this.context.sdk.upload(Buffer.from(`${lines.join("\n")}\n`, "utf8"), {
        filename: `${this.name}-${String(this.batchNumber).padStart(6, "0")}.jsonl`,
        contentType: "application/x-ndjson",
        tags: baseTags(this.context, "dataset", this.name),
        metadata: { crawlee: metadata },
        provenance: runProvenance(this.context),
        visibility: this.context.visibility,
        dedupe: false,
      });
    } catch (error) {
      // Kept for the next flush, ahead of what was pushed meanwhile.
      this.pending = [...lines, ...this.pending];
      this.pendingBytes = this.pending.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      throw error;
    }
  }

  private async batches(): Promise<Batch[]> {
    const query = {
      ...storeQuery(this.context, "dataset", this.name),
      sort: "createdAt",
      order: "asc",
    } as const;
    const batches = [];
    for await (const artifact of this.context.sdk.searchAll({ ...query, limit: SEARCH_PAGE })) {
      batches.push(batchOf(artifact));
    }
    // One writer's batches can share a creation time to the millisecond: its own count orders them.
    return batches.sort(
      (a, b) =>
        Date.parse(a.artifact.createdAt) - Date.parse(b.artifact.createdAt) ||
        (a.writer === b.writer ? a.number - b.number : 0),
    );
  }

  private async page(options: DatasetClientListOptions): Promise<PaginatedList<Data>> {
    await this.flush();
    const batches = await this.batches();
    const total = batches.reduce((sum, batch) => sum + batch.itemCount, 0);
    const offset = options.offset ?? 0;
    const limit = options.limit ?? total;
    const desc = options.desc ?? false;
    // The range in the order the items were pushed.
    const start = desc ? Math.max(0, total - offset - limit) : offset;
    const end = desc ? Math.max(0, total - offset) : Math.min(total, offset + limit);
    const items: Data[] = [];
    let first = 0;
    for (const batch of batches) {
      const last = first + batch.itemCount;
      if (last > start && first < end) {
        const text = await (await download(this.context, batch.artifact)).text();
        const lines = parseLines(text) as Data[];
        items.push(...lines.slice(Math.max(0, start - first), end - first));
      }
      first = last;
      if (first >= end) break;
    }
    if (desc) items.reverse();
    return { total, count: items.length, offset, limit, desc, items };
  }
}
