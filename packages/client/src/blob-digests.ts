import { base64Of, hexOf } from "./encoding";

/** What to compute over a Blob: a part's checksums (base64, as S3 headers carry them), the whole SHA-256 (hex). */
export interface BlobDigestRequest {
  md5?: boolean;
  sha256?: boolean;
  sha256Hex?: boolean;
}

export interface BlobDigests {
  /** Base64, as Content-MD5 carries it. */
  md5?: string;
  /** Base64, as x-amz-checksum-sha256 carries it. */
  sha256?: string;
  /** Hex, as the store declares an artifact's SHA-256. */
  sha256Hex?: string;
}

/**
 * The digests of a Blob, for browser uploaders that slice files themselves (the Uppy adapter's
 * hashing worker): reads it once, as a stream, feeding each digest asked for. hash-wasm (WebCrypto
 * has no MD5 and no incremental SHA-256; it runs in Node too), imported on first use so Node users
 * of the SDK do not load it at startup (~50 ms).
 */
export const digestBlob = async (blob: Blob, request: BlobDigestRequest): Promise<BlobDigests> => {
  const { createMD5, createSHA256 } = await import("hash-wasm");
  const md5 = request.md5 ? await createMD5() : undefined;
  const sha256 = request.sha256 || request.sha256Hex ? await createSHA256() : undefined;
  md5?.init();
  sha256?.init();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    md5?.update(value);
    sha256?.update(value);
  }
  const digests: BlobDigests = {};
  if (md5) digests.md5 = base64Of(md5.digest("binary"));
  if (sha256) {
    const bytes = sha256.digest("binary");
    if (request.sha256) digests.sha256 = base64Of(bytes);
    if (request.sha256Hex) digests.sha256Hex = hexOf(bytes);
  }
  return digests;
};
