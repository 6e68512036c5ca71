import { type ChecksumAlgorithm, type PartChecksum, type PartLayout, partBounds } from "./checksums";
import type { ContentHashing } from "./part-hashing";
import { isNode } from "./sha256";
import type { ByteSource } from "./sources";

/** A part ready to send: its checksums, for its URL, and its body. */
export interface PreparedPart {
  checksum: PartChecksum;
  /** The bytes that were hashed; in browsers a slice of the Blob instead, which they send faster. */
  body: Uint8Array | Blob;
}

/** Parts ready to send, in part order, and the whole content's SHA-256 once it is known. */
export interface PartFeed {
  /** The next part to send; undefined when there is none left. */
  take(): Promise<PreparedPart | undefined>;
  /** Checksums of the parts hashed but not taken yet, so their URLs can be signed ahead. */
  hashedAhead(): PartChecksum[];
  readonly sha256: Promise<string>;
  /** Busy time reading the source and hashing it, so far. */
  readonly times: { readMs: number; hashMs: number };
  /** The part is stored: its buffer may hold another part. */
  release(part: PreparedPart): void;
  close(): void;
}

interface Queued {
  partNumber: number;
  ready: Promise<PreparedPart>;
}

const hexToBase64 = (hex: string): string =>
  btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16))));

/**
 * Reads the source once, part after part, ahead of the senders: each part's bytes feed its MD5
 * (and SHA-256 where storage checks it) and the whole content's SHA-256 in one pass, on the
 * hashing thread, and are then the part's body. At most `ahead` parts wait, read, for a sender,
 * so memory stays at (parts in flight + ahead) parts.
 */
export class PartPipeline implements PartFeed {
  readonly sha256: Promise<string>;
  readonly times = { readMs: 0, hashMs: 0 };
  private readonly queue: Queued[] = [];
  private readonly hashed = new Map<number, PartChecksum>();
  private readonly taken = new Set<number>();
  /** Part buffers free to read into again: allocating each part anew costs the process a full GC every few parts. */
  private readonly spare: ArrayBufferLike[] = [];
  private done = false;
  private failure: { error: unknown } | undefined;
  private wake: () => void = () => {};
  private changed = this.nextChange();

  constructor(
    private readonly source: ByteSource,
    private readonly layout: PartLayout,
    todo: readonly number[],
    private readonly algorithms: readonly ChecksumAlgorithm[],
    private readonly hashing: ContentHashing,
    options: {
      sha256?: string | undefined;
      signal: AbortSignal;
      /** Parts read ahead of the senders. */
      ahead: number;
      /** A part was hashed: its URL can be signed before a sender asks. */
      onHashed?: () => void;
    },
  ) {
    this.sha256 = this.read(new Set(todo), options.sha256, options.signal, options.ahead, options.onHashed);
    this.sha256.then(
      () => {
        this.done = true;
        this.notify();
      },
      (error: unknown) => {
        this.failure = { error };
        this.notify();
      },
    );
  }

  async take(): Promise<PreparedPart | undefined> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        this.taken.add(next.partNumber);
        this.hashed.delete(next.partNumber);
        this.notify(); // room for the reader
        return next.ready;
      }
      if (this.failure) throw this.failure.error;
      if (this.done) return undefined;
      await this.changed;
    }
  }

  hashedAhead(): PartChecksum[] {
    return [...this.hashed.values()].sort((a, b) => a.partNumber - b.partNumber);
  }

  release(part: PreparedPart): void {
    const { body } = part;
    if (!(body instanceof Uint8Array) || !this.pooled(body.buffer)) return;
    if (body.buffer.byteLength === this.layout.partSize && this.spare.length < 8)
      this.spare.push(body.buffer);
  }

  close(): void {
    this.spare.length = 0;
    this.hashing.close();
  }

  private pooled(buffer: ArrayBufferLike): boolean {
    return this.hashing.shared ? buffer instanceof SharedArrayBuffer : this.source.readInto !== undefined;
  }

  /**
   * The part's bytes, in a buffer of the pool where that saves allocating one per part: always
   * for a hashing thread (shared memory, which it reads in place), and for files.
   */
  private async readPart(start: number, end: number): Promise<Uint8Array> {
    const { shared } = this.hashing;
    if (!shared && !this.source.readInto) return this.source.read(start, end);
    const buffer =
      this.spare.pop() ??
      (shared ? new SharedArrayBuffer(this.layout.partSize) : new ArrayBuffer(this.layout.partSize));
    const bytes = new Uint8Array(buffer, 0, end - start);
    if (this.source.readInto) await this.source.readInto(bytes, start);
    else bytes.set(await this.source.read(start, end));
    return bytes;
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.changed = this.nextChange();
    wake();
  }

  private async read(
    wanted: Set<number>,
    knownSha256: string | undefined,
    signal: AbortSignal,
    ahead: number,
    onHashed: (() => void) | undefined,
  ): Promise<string> {
    let whole = knownSha256;
    const hashes: Promise<unknown>[] = [];
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => {});
    const { partCount } = this.layout;
    for (let partNumber = 1; partNumber <= partCount; partNumber += 1) {
      const sending = wanted.has(partNumber);
      if (!sending && knownSha256) continue;
      while (this.queue.length >= ahead) await Promise.race([this.changed, aborted]);
      signal.throwIfAborted();
      const [start, end] = partBounds(this.layout, partNumber);
      const readStarted = performance.now();
      const bytes = await this.readPart(start, end);
      this.times.readMs += performance.now() - readStarted;
      const hashing = this.hashing.part(bytes, {
        md5: sending,
        sha256: sending && this.algorithms.includes("sha256"),
        whole: !knownSha256,
        last: !knownSha256 && partNumber === partCount,
      });
      const part = partNumber;
      const ready = hashing.then((result) => {
        this.times.hashMs += result.busyMs;
        if (result.whole) whole = result.whole;
        const checksum: PartChecksum = {
          partNumber: part,
          md5: result.md5 ?? "",
          ...(result.sha256 ? { sha256: result.sha256 } : {}),
        };
        if (sending && !this.taken.has(part)) this.hashed.set(part, checksum);
        if (sending) onHashed?.();
        // Browsers send a Blob's own slice several times faster than the same bytes as an array.
        const body = !isNode && this.source.slice ? this.source.slice(start, end) : bytes;
        return { checksum, body };
      });
      if (!sending)
        ready.then(
          (part) => this.release(part),
          () => {},
        );
      ready.catch(() => {}); // seen by the sender that takes it, or by the read below
      hashes.push(ready);
      if (sending) {
        this.queue.push({ partNumber, ready });
        this.notify();
      } else {
        await ready; // a part storage holds already only feeds the whole SHA-256: nothing waits for it
      }
    }
    await Promise.all(hashes);
    if (whole === undefined) throw new Error("The content's SHA-256 was not computed.");
    return whole;
  }
}

/** Parts prepared already (a small source hashed before its upload opened). */
export const preparedParts = (
  parts: readonly PreparedPart[],
  sha256: string,
  times: PartFeed["times"],
): PartFeed => {
  const left = [...parts];
  return {
    take: async () => left.shift(),
    hashedAhead: () => left.map((part) => part.checksum),
    sha256: Promise.resolve(sha256),
    times,
    release: () => {},
    close: () => {},
  };
};

/**
 * A single part's checksum as storage checks it, from a hash of the whole: the part's SHA-256 is
 * the whole content's, when storage wants it too.
 */
export const singlePartChecksum = (
  checksum: PartChecksum,
  sha256Hex: string,
  algorithms: readonly ChecksumAlgorithm[],
): PartChecksum =>
  algorithms.includes("sha256") ? { ...checksum, sha256: hexToBase64(sha256Hex) } : checksum;
