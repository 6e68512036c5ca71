import { type ChecksumAlgorithm, checksumOf, type PartChecksum, sameChecksum } from "./checksums";
import type { PresignedPart } from "./contract";
import { PartRejectedError, SourceChangedError } from "./errors";
import type { ApiTransport } from "./http";
import { backoffDelay, isRetryableStatus, type RetryPolicy, sleep } from "./retry";

/** Where a part's URL comes from: signed for its checksums, and signed again once forgotten. */
export interface PartUrls {
  urlFor(checksum: PartChecksum): Promise<PresignedPart>;
  forget(partNumber: number): void;
}

/** Time spent sending, and waiting for URLs, summed over the parts sent. */
export interface SendTimes {
  sendMs: number;
  waitedOnSignMs: number;
}

export interface PartToSend {
  checksum: PartChecksum;
  body: Uint8Array | Blob;
  /** The part's bytes read from the source again, for a resend after storage refused the digest. */
  reread: () => Promise<Uint8Array>;
  urls: PartUrls;
  retry: RetryPolicy;
  signal?: AbortSignal;
  times?: SendTimes;
  /** How many bytes of the body fetch has taken, where that can be seen. */
  onSent?: (bytes: number) => void;
}

/** Storage's answer when the bytes it received do not match the signed Content-MD5 (or SHA-256). */
const isDigestMismatch = (status: number, text: string) =>
  status === 400 && /<Code>(BadDigest|InvalidDigest)<\/Code>/.test(text);

/**
 * PUTs one part with its signed checksums, the one send loop of single, multipart and batch
 * uploads. Sent again, with backoff, after:
 * - a reset or a stall (RGW closes kept-alive connections: "other side closed", ECONNRESET),
 *   on a fresh connection;
 * - 400 BadDigest: the part is read again and, when that read still matches what was hashed,
 *   sent again (a source that changed since is a SourceChangedError);
 * - 403, what storage answers for an expired signature: the URL is signed again;
 * - a 5xx, 429 or 408.
 */
export const sendPart = async (transport: ApiTransport, part: PartToSend): Promise<void> => {
  const { checksum, urls, retry, signal, times, onSent } = part;
  const { partNumber } = checksum;
  let body = part.body;
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 0) onSent?.(0); // what the failed attempt sent counts no more
    const signStarted = performance.now();
    const url = await urls.urlFor(checksum);
    if (times) times.waitedOnSignMs += performance.now() - signStarted;
    let status: number;
    let text = "";
    const sendStarted = performance.now();
    try {
      const response = await transport.fetch(
        url.url,
        { method: url.method, headers: url.headers, body },
        `${url.method} part ${partNumber}`,
        signal,
        onSent,
      );
      status = response.status;
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      text = await response.text();
    } catch (error) {
      if (signal?.aborted || attempt >= retry.retries) throw error;
      await sleep(backoffDelay(retry, attempt), signal);
      continue;
    } finally {
      if (times) times.sendMs += performance.now() - sendStarted;
    }
    if (isDigestMismatch(status, text) && attempt < retry.retries) {
      const bytes = await part.reread();
      const algorithms: ChecksumAlgorithm[] = checksum.sha256 ? ["md5", "sha256"] : ["md5"];
      if (!sameChecksum(await checksumOf(bytes, partNumber, algorithms), checksum)) {
        throw new SourceChangedError(partNumber);
      }
      body = bytes;
    } else if (status === 403) {
      urls.forget(partNumber);
    } else if (!isRetryableStatus(status)) {
      throw new PartRejectedError(partNumber, status, text);
    }
    if (attempt >= retry.retries) throw new PartRejectedError(partNumber, status, text);
    await sleep(backoffDelay(retry, attempt), signal);
  }
};
