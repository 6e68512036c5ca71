import type {
  Dataset,
  DatasetCollectionClient,
  DatasetCollectionData,
  KeyValueStoreCollectionClient,
  KeyValueStoreInfo,
  PaginatedList,
} from "@crawlee/types";
import type { ArtifactStoreDatasetClient } from "./dataset";
import type { ArtifactStoreKeyValueStoreClient } from "./key-value-store";
import { DEFAULT_STORE } from "./naming";

const listOf = <T>(items: T[]): PaginatedList<T> => ({
  total: items.length,
  count: items.length,
  offset: 0,
  limit: items.length,
  items,
});

/**
 * Stores exist as soon as they are named (a store is its tag), so getOrCreate only opens one.
 * `list` answers the stores this storage client opened: the catalogue has no list of tags.
 */
export class ArtifactStoreKeyValueStoreCollectionClient implements KeyValueStoreCollectionClient {
  constructor(
    private readonly open: (name: string) => ArtifactStoreKeyValueStoreClient,
    private readonly opened: () => ArtifactStoreKeyValueStoreClient[],
  ) {}

  async list(): Promise<PaginatedList<KeyValueStoreInfo>> {
    return listOf(await Promise.all(this.opened().map((store) => store.get())));
  }

  getOrCreate(name?: string): Promise<KeyValueStoreInfo> {
    return this.open(name ?? DEFAULT_STORE).get();
  }
}

export class ArtifactStoreDatasetCollectionClient implements DatasetCollectionClient {
  constructor(
    private readonly open: (name: string) => ArtifactStoreDatasetClient,
    private readonly opened: () => ArtifactStoreDatasetClient[],
  ) {}

  async list(): Promise<PaginatedList<Dataset>> {
    return listOf(await Promise.all(this.opened().map((dataset) => dataset.get())));
  }

  getOrCreate(name?: string): Promise<DatasetCollectionData> {
    return this.open(name ?? DEFAULT_STORE).get();
  }
}
