import { createHash } from "node:crypto";

/**
 * How Crawlee's storages map onto the catalogue. A store is a tag (for people and for the search
 * index to drive on) plus an exact name in metadata (tags are lower-cased and limited to 64
 * characters of a-z0-9._:/-, while Crawlee names and keys are case-sensitive and longer).
 */
export type StoreKind = "kv" | "dataset";

/** Crawlee purges its default storages at every start: here they belong to the run instead. */
export const DEFAULT_STORE = "default";

/** On every artifact this package writes. */
export const CRAWLEE_TAG = "crawlee";

/** On a key's earlier values once a newer one is written; never served. */
export const SUPERSEDED_TAG = "crawlee:superseded";

const TAG = /^[a-z0-9][a-z0-9._:/-]{0,63}$/;

/** `prefix` + the value when it makes a valid tag as it is, else + a short hash of it. */
const tagOf = (prefix: string, value: string): string => {
  const plain = `${prefix}${value.toLowerCase()}`;
  if (TAG.test(plain)) return plain;
  return `${prefix}h-${createHash("sha256").update(value).digest("hex").slice(0, 16)}`;
};

export const storeTag = (kind: StoreKind, name: string): string => tagOf(`crawlee:${kind}:`, name);

/**
 * A key as a tag, for finding a record by hand (`crawlee:key:product-1.html`); only when it fits the
 * tag grammar as it is, since a lowered or hashed key would not help anyone search.
 */
export const keyTag = (key: string): string | undefined => {
  const tag = `crawlee:key:${key}`;
  return TAG.test(tag) ? tag : undefined;
};

/**
 * One tag per record (store and key), on each of its values: what a lookup of the key drives on,
 * so finding it costs the key's few versions, not a walk over the whole store. A hash, because
 * keys do not fit the tag grammar; metadata still decides which store and key a value is.
 */
export const recordTag = (store: string, key: string): string =>
  `crawlee:record:${createHash("sha256").update(`${store}\0${key}`).digest("hex").slice(0, 24)}`;

/** What `metadata.crawlee` holds: the exact identity that searches match with jsonb containment. */
export interface RecordIdentity {
  kind: "kv";
  store: string;
  key: string;
}

export interface BatchIdentity {
  kind: "dataset";
  store: string;
}

export interface BatchMetadata extends BatchIdentity {
  itemCount: number;
  /** Which flush of this client wrote it: orders batches that share a creation time. */
  batch: number;
  writer: string;
}

/** The run a default store belongs to; named stores are shared by every run. */
export const runScope = (name: string, runId: string): string | undefined =>
  name === DEFAULT_STORE ? runId : undefined;
