/// <reference lib="webworker" />
import { type BlobDigestRequest as DigestRequest, digestBlob } from "@artifact-store/client";

/**
 * The hashing worker: Blobs cross to it by reference (no copy of the bytes), so the page's
 * thread stays free for Uppy's UI and its uploads while whole files and parts are hashed here.
 */
interface HashMessage {
  id: number;
  blob: Blob;
  request: DigestRequest;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async ({ data }: MessageEvent<HashMessage>) => {
  try {
    scope.postMessage({ id: data.id, digests: await digestBlob(data.blob, data.request) });
  } catch (error) {
    scope.postMessage({ id: data.id, error: error instanceof Error ? error.message : String(error) });
  }
};
