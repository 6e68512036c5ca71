import type { ArtifactView, SearchOptions } from "@artifact-store/client";
import type {
  KeyValueStoreClient,
  KeyValueStoreClientGetRecordOptions,
  KeyValueStoreClientListData,
  KeyValueStoreClientListOptions,
  KeyValueStoreInfo,
  KeyValueStoreItemData,
  KeyValueStoreRecord,
} from "@crawlee/types";
import { keyTag, type RecordIdentity, recordTag, SUPERSEDED_TAG } from "./naming";
import { decodeValue, encodeValue, nodeStreamOf } from "./record-values";
import {
  baseTags,
  deleteQuietly,
  download,
  recordProvenance,
  type StoreContext,
  storeQuery,
} from "./store-context";

/** Crawlee's own default page of keys. */
const DEFAULT_LIST_LIMIT = 1000;
/** The largest page the search API serves. */
const SEARCH_PAGE = 500;
/** Artifact ids remembered for `getPublicUrl`, which Crawlee calls synchronously. */
const KNOWN_KEYS_MAX = 100_000;
const FILENAME_MAX = 255;

const keyOf = (artifact: ArtifactView): string | undefined => {
  const identity = (artifact.metadata as { crawlee?: Partial<RecordIdentity> }).crawlee;
  return typeof identity?.key === "string" ? identity.key : undefined;
};

/** Where a listing stopped: the search page that holds the key it gave last. */
interface ListPosition {
  cursor: string | undefined;
}

/**
 * A Crawlee key-value store whose records are artifacts. Artifacts are immutable, so writing a key
 * again uploads a new artifact and tags the earlier one `crawlee:superseded` (or deletes it, with
 * `previousValues: "delete"`); reads serve the newest artifact of the key that is not superseded.
 */
export class ArtifactStoreKeyValueStoreClient implements KeyValueStoreClient {
  private readonly known = new Map<string, string>();
  private readonly positions = new Map<string, ListPosition>();

  constructor(
    private readonly context: StoreContext,
    readonly name: string,
    private readonly openedAt: Date,
  ) {}

  async get(): Promise<KeyValueStoreInfo> {
    const now = new Date();
    return { id: this.name, name: this.name, createdAt: this.openedAt, modifiedAt: now, accessedAt: now };
  }

  async update(): Promise<Partial<KeyValueStoreInfo>> {
    throw new Error("Renaming a key-value store is not supported: its name is in every record's tags.");
  }

  /** Deletes every record of the store, earlier values too. */
  async delete(): Promise<void> {
    for await (const page of this.context.sdk.searchPages({ ...this.query(), limit: SEARCH_PAGE })) {
      for (const artifact of page.artifacts) await deleteQuietly(this.context, artifact.id);
    }
    this.known.clear();
  }

  async setRecord(record: KeyValueStoreRecord): Promise<void> {
    const { key } = record;
    const { body, contentType } = encodeValue(record.value, record.contentType);
    const tag = keyTag(key);
    const artifact = await this.context.sdk.upload(body, {
      filename: key.slice(0, FILENAME_MAX),
      contentType,
      tags: [...baseTags(this.context, "kv", this.name), recordTag(this.name, key), ...(tag ? [tag] : [])],
      metadata: { crawlee: { kind: "kv", store: this.name, key } satisfies RecordIdentity },
      provenance: recordProvenance(this.context),
      visibility: this.context.visibility,
      // Dedup would answer with an earlier artifact of the same bytes, under another key.
      dedupe: false,
    });
    this.remember(key, artifact.id);
    await this.retireEarlierValues(key, artifact);
  }

  async getRecord(
    key: string,
    options: KeyValueStoreClientGetRecordOptions = {},
  ): Promise<KeyValueStoreRecord | undefined> {
    const artifact = await this.current(key);
    if (!artifact) return undefined;
    const response = await download(this.context, artifact);
    if (options.stream) return { key, value: nodeStreamOf(response), contentType: artifact.contentType };
    const bytes = Buffer.from(await response.arrayBuffer());
    const value = options.buffer ? bytes : decodeValue(bytes, artifact.contentType);
    return { key, value, contentType: artifact.contentType };
  }

  async recordExists(key: string): Promise<boolean> {
    return (await this.current(key)) !== undefined;
  }

  /** Deletes the key's value and its earlier values. */
  async deleteRecord(key: string): Promise<void> {
    for await (const artifact of this.context.sdk.searchAll({ ...this.keyQuery(key), limit: SEARCH_PAGE })) {
      await deleteQuietly(this.context, artifact.id);
    }
    this.known.delete(key);
  }

  /**
   * Keys in the store's filename order, a page at a time. The search API pages by opaque cursor,
   * so the page a listing stopped on is remembered under its last key: passing that key back as
   * `exclusiveStartKey` (as Crawlee's `forEachKey` does) resumes there, not from the start.
   */
  async listKeys(options: KeyValueStoreClientListOptions = {}): Promise<KeyValueStoreClientListData> {
    const { exclusiveStartKey, prefix } = options;
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    let listed = await this.walkKeys(limit, prefix, exclusiveStartKey);
    // As Crawlee's memory storage does: a start key the store does not hold lists from the start.
    if (exclusiveStartKey !== undefined && !listed.foundStart) listed = await this.walkKeys(limit, prefix);
    const last = listed.items.at(-1)?.key;
    return {
      count: listed.items.length,
      limit,
      ...(exclusiveStartKey !== undefined ? { exclusiveStartKey } : {}),
      isTruncated: listed.more,
      ...(listed.more && last !== undefined ? { nextExclusiveStartKey: last } : {}),
      items: listed.items,
    };
  }

  /**
   * The download link of a record this client wrote, read or listed: the API redirects it to a
   * fresh presigned URL, for anyone when the records are public and for holders of a token
   * otherwise. Synchronous, as Crawlee's `KeyValueStore.getPublicUrl` is.
   */
  publicUrl(key: string): string {
    const artifactId = this.known.get(key);
    if (artifactId === undefined) {
      throw new Error(
        `No artifact is known for key "${key}" of key-value store "${this.name}" yet: getPublicUrl answers for records written or read through this client (read it first, e.g. recordExists).`,
      );
    }
    return `${this.context.baseUrl}/v1/artifacts/${encodeURIComponent(artifactId)}/download`;
  }

  private query(): SearchOptions {
    return storeQuery(this.context, "kv", this.name);
  }

  /** A key's values, found through its own tag first. */
  private keyQuery(key: string): SearchOptions {
    const query = storeQuery(this.context, "kv", this.name, { key });
    return { ...query, tags: [recordTag(this.name, key), ...(query.tags ?? [])] };
  }

  /** The key's value: its newest artifact not superseded. */
  private async current(key: string): Promise<ArtifactView | undefined> {
    const page = await this.context.sdk.search({
      ...this.keyQuery(key),
      tagsNone: [SUPERSEDED_TAG],
      sort: "createdAt",
      order: "desc",
      limit: 1,
    });
    const artifact = page.artifacts[0];
    if (artifact) this.remember(key, artifact.id);
    return artifact;
  }

  /**
   * Earlier values stop being served. Only those created before the new one: two writers of the
   * same key at once then each retire the older, and the newest stays.
   */
  private async retireEarlierValues(key: string, newer: ArtifactView): Promise<void> {
    const newerAt = Date.parse(newer.createdAt);
    const query = { ...this.keyQuery(key), tagsNone: [SUPERSEDED_TAG], limit: SEARCH_PAGE };
    for await (const artifact of this.context.sdk.searchAll(query)) {
      if (artifact.id === newer.id || Date.parse(artifact.createdAt) > newerAt) continue;
      if (this.context.previousValues === "delete") await deleteQuietly(this.context, artifact.id);
      else await this.context.sdk.update(artifact.id, { tags: { add: [SUPERSEDED_TAG] } });
    }
  }

  private async walkKeys(
    limit: number,
    prefix: string | undefined,
    exclusiveStartKey?: string,
  ): Promise<{ items: KeyValueStoreItemData[]; more: boolean; foundStart: boolean }> {
    const items: KeyValueStoreItemData[] = [];
    let cursor = exclusiveStartKey === undefined ? undefined : this.positions.get(exclusiveStartKey)?.cursor;
    let skipping = exclusiveStartKey !== undefined;
    let previous: string | undefined;
    // The page the last key listed came from: where a listing that continues after it starts.
    let lastKeyPage: string | undefined;
    const query: SearchOptions = {
      ...this.query(),
      tagsNone: [SUPERSEDED_TAG],
      sort: "filename",
      order: "asc",
      limit: SEARCH_PAGE,
    };
    for (;;) {
      const pageCursor = cursor;
      const page = await this.context.sdk.search({ ...query, ...(pageCursor ? { cursor: pageCursor } : {}) });
      for (const artifact of page.artifacts) {
        const key = keyOf(artifact);
        // Two values of one key sit side by side while a write retires the older.
        if (key === undefined || key === previous) continue;
        previous = key;
        if (skipping) {
          if (key === exclusiveStartKey) skipping = false;
          continue;
        }
        if (prefix !== undefined && !key.startsWith(prefix)) continue;
        if (items.length === limit) {
          const last = items.at(-1);
          if (last) this.rememberPosition(last.key, { cursor: lastKeyPage });
          return { items, more: true, foundStart: true };
        }
        items.push({ key, size: artifact.size });
        this.remember(key, artifact.id);
        lastKeyPage = pageCursor;
      }
      if (!page.nextCursor) return { items, more: false, foundStart: !skipping };
      cursor = page.nextCursor;
    }
  }

  private rememberPosition(key: string, position: ListPosition): void {
    this.positions.set(key, position);
    if (this.positions.size > KNOWN_KEYS_MAX)
      this.positions.delete(this.positions.keys().next().value as string);
  }

  private remember(key: string, artifactId: string): void {
    this.known.delete(key);
    this.known.set(key, artifactId);
    if (this.known.size > KNOWN_KEYS_MAX) this.known.delete(this.known.keys().next().value as string);
  }
}
