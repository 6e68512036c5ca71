import { KeyValueStore } from "@crawlee/core";
import { ArtifactStoreKeyValueStoreClient } from "./key-value-store";

const INSTALLED = Symbol.for("@artifact-store/crawlee/getPublicUrl");

/**
 * Crawlee v3 computes `KeyValueStore.getPublicUrl` itself, as a file:// path under ./storage,
 * whatever the storage client (only Apify's SDK overrides it, in a subclass of its own). So that
 * stores opened by crawlers and by `KeyValueStore.open` alike answer with a download link, the
 * method defers to our key-value store client when the store is ours, and to Crawlee otherwise.
 */
export const serveDownloadLinksAsPublicUrls = (): void => {
  const prototype = KeyValueStore.prototype as KeyValueStore & { [INSTALLED]?: true };
  if (prototype[INSTALLED]) return;
  const crawleeOwn = prototype.getPublicUrl;
  prototype.getPublicUrl = function getPublicUrl(this: KeyValueStore, key: string): string {
    const client = (this as unknown as { client: unknown }).client;
    return client instanceof ArtifactStoreKeyValueStoreClient
      ? client.publicUrl(key)
      : crawleeOwn.call(this, key);
  };
  prototype[INSTALLED] = true;
};
