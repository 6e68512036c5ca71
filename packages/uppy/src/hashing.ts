import {
  type BlobDigestRequest as DigestRequest,
  type BlobDigests as Digests,
  digestBlob,
} from "@artifact-store/client";

/** Hashes Blobs off the page's thread; one worker per Uppy instance, started on first use. */
export interface Hasher {
  digest(blob: Blob, request: DigestRequest): Promise<Digests>;
  close(): void;
}

type Pending = { resolve: (digests: Digests) => void; reject: (error: Error) => void };

/**
 * A module worker beside this file (`new URL(..., import.meta.url)`: Vite, webpack 5 and the
 * package's own build all resolve it). Where no worker can start (a CSP without worker-src, say),
 * the page hashes itself: slower for the UI, same digests.
 */
const startWorker = (): Worker | undefined => {
  try {
    return new Worker(new URL("./hash-worker.js", import.meta.url), { type: "module" });
  } catch {
    return undefined;
  }
};

export const createHasher = (): Hasher => {
  let worker: Worker | undefined;
  let started = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const onPage = (blob: Blob, request: DigestRequest) => digestBlob(blob, request);

  const failAll = (error: Error) => {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  const ensureWorker = (): Worker | undefined => {
    if (started) return worker;
    started = true;
    worker = startWorker();
    worker?.addEventListener(
      "message",
      ({ data }: MessageEvent<{ id: number; digests?: Digests; error?: string }>) => {
        const waiting = pending.get(data.id);
        pending.delete(data.id);
        if (!waiting) return;
        if (data.digests) waiting.resolve(data.digests);
        else waiting.reject(new Error(`Hashing failed: ${data.error}`));
      },
    );
    worker?.addEventListener("error", (event) => {
      event.preventDefault();
      worker = undefined; // a worker script that did not load: the page hashes from now on
      failAll(new Error(`The hashing worker failed: ${event.message || "it did not load"}`));
    });
    return worker;
  };

  return {
    digest(blob, request) {
      const target = ensureWorker();
      if (!target) return onPage(blob, request);
      const id = nextId++;
      return new Promise<Digests>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        target.postMessage({ id, blob, request });
      }).catch((error: unknown) => (worker ? Promise.reject(error) : onPage(blob, request)));
    },
    close() {
      worker?.terminate();
      failAll(new Error("The hasher was closed."));
    },
  };
};
