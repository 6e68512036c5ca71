import { randomUUID } from "node:crypto";
import { ArtifactStoreClient, type TokenProvider } from "@artifact-store/client";
import { MemoryStorage } from "@crawlee/memory-storage";
import type {
  DatasetClient,
  DatasetCollectionClient,
  KeyValueStoreClient,
  KeyValueStoreCollectionClient,
  RequestQueueClient,
  RequestQueueCollectionClient,
  RequestQueueOptions,
  SetStatusMessageOptions,
  StorageClient,
} from "@crawlee/types";
import {
  ArtifactStoreDatasetCollectionClient,
  ArtifactStoreKeyValueStoreCollectionClient,
} from "./collections";
import { ArtifactStoreDatasetClient } from "./dataset";
import { ArtifactStoreKeyValueStoreClient } from "./key-value-store";
import { serveDownloadLinksAsPublicUrls } from "./public-url";
import type { StoreContext } from "./store-context";

const MiB = 1024 * 1024;

export interface ArtifactStoreStorageClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8787 */
  baseUrl: string;
  /** A bearer token or API key, or a function returning a fresh one for each call. */
  token?: TokenProvider;
  /** Default: the global fetch (handed to the SDK). */
  fetch?: typeof fetch;
  /** The crawl run, in every artifact's provenance; the default stores are this run's. Default: a new UUID. */
  runId?: string;
  /** The crawl job, in every artifact's provenance. */
  jobId?: string;
  /** Added to every artifact's tags. */
  tags?: string[];
  /** Default private. Public records' `getPublicUrl` links work without a token. */
  visibility?: "private" | "public";
  /**
   * A key written again keeps its earlier value as an artifact tagged `crawlee:superseded`
   * ("keep", the default: pages fetched again stay in the archive), or deletes it ("delete").
   */
  previousValues?: "keep" | "delete";
  /** Dataset items per JSON Lines artifact: at most `items` items (default 100) or `bytes` bytes (8 MiB). */
  datasetBatch?: { items?: number; bytes?: number };
  /** How long a read waits for a large value's verification when it runs off the request path. Default 10 min. */
  verifyWaitMs?: number;
  /**
   * Where request queues live: Crawlee's own MemoryStorage by default, in memory only. Pass
   * `new MemoryStorage()` to keep them on disk under ./storage as Crawlee does, so a crawl resumes.
   */
  requestQueueStorage?: StorageClient;
}

/**
 * Crawlee's StorageClient over the artifact store: `new Configuration({ storageClient })` makes a
 * crawler's key-value stores and datasets live in the store. Records are artifacts with the
 * request's provenance (see withRequestProvenance), tagged `crawlee:kv:<store>`; dataset items are
 * JSON Lines artifacts tagged `crawlee:dataset:<name>`. The default stores ("default") are the
 * run's; named ones are shared by every run. Request queues are Crawlee's own (requestQueueStorage).
 */
export class ArtifactStoreStorageClient implements StorageClient {
  readonly runId: string;
  /** The SDK client it stores through, for searching what the crawl stored. */
  readonly sdk: ArtifactStoreClient;
  private readonly context: StoreContext;
  private readonly keyValueStoreClients = new Map<string, ArtifactStoreKeyValueStoreClient>();
  private readonly datasetClients = new Map<string, ArtifactStoreDatasetClient>();
  private readonly requestQueueStorage: StorageClient;

  constructor(options: ArtifactStoreStorageClientOptions) {
    this.runId = options.runId ?? randomUUID();
    this.sdk = new ArtifactStoreClient({
      baseUrl: options.baseUrl,
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.context = {
      sdk: this.sdk,
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      runId: this.runId,
      jobId: options.jobId,
      visibility: options.visibility ?? "private",
      tags: options.tags ?? [],
      previousValues: options.previousValues ?? "keep",
      datasetBatch: {
        items: options.datasetBatch?.items ?? 100,
        bytes: options.datasetBatch?.bytes ?? 8 * MiB,
      },
      verifyWaitMs: options.verifyWaitMs ?? 10 * 60_000,
      writer: randomUUID(),
    };
    this.requestQueueStorage = options.requestQueueStorage ?? new MemoryStorage({ persistStorage: false });
    serveDownloadLinksAsPublicUrls();
  }

  keyValueStores(): KeyValueStoreCollectionClient {
    return new ArtifactStoreKeyValueStoreCollectionClient(
      (name) => this.keyValueStore(name),
      () => [...this.keyValueStoreClients.values()],
    );
  }

  /** Crawlee opens stores by id or name; here they are one (the name). */
  keyValueStore(id: string): ArtifactStoreKeyValueStoreClient & KeyValueStoreClient {
    let store = this.keyValueStoreClients.get(id);
    if (!store) {
      store = new ArtifactStoreKeyValueStoreClient(this.context, id, new Date());
      this.keyValueStoreClients.set(id, store);
    }
    return store;
  }

  datasets(): DatasetCollectionClient {
    return new ArtifactStoreDatasetCollectionClient(
      (name) => this.dataset(name),
      () => [...this.datasetClients.values()],
    );
  }

  dataset(id: string): ArtifactStoreDatasetClient & DatasetClient {
    let dataset = this.datasetClients.get(id);
    if (!dataset) {
      dataset = new ArtifactStoreDatasetClient(this.context, id, new Date());
      this.datasetClients.set(id, dataset);
    }
    return dataset;
  }

  requestQueues(): RequestQueueCollectionClient {
    return this.requestQueueStorage.requestQueues();
  }

  requestQueue(id: string, options?: RequestQueueOptions): RequestQueueClient {
    return this.requestQueueStorage.requestQueue(id, options);
  }

  /**
   * Crawlee purges its default storages when a crawler starts. Here the default key-value store
   * and dataset are the run's already (a new run starts empty), and nothing stored is deleted:
   * only the request queues are purged.
   */
  async purge(): Promise<void> {
    await this.requestQueueStorage.purge?.();
  }

  /** Writes the dataset items still buffered; a crawler calls it at the end of `run`. */
  async teardown(): Promise<void> {
    await Promise.all([...this.datasetClients.values()].map((dataset) => dataset.flush()));
    await this.requestQueueStorage.teardown?.();
  }

  async setStatusMessage(message: string, options?: SetStatusMessageOptions): Promise<void> {
    await this.requestQueueStorage.setStatusMessage?.(message, options);
  }
}
