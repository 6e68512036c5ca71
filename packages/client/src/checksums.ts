import { createSha256, isNode } from "./sha256";
import type { ByteSource } from "./sources";

export type ChecksumAlgorithm = "md5" | "sha256";

/** A part's checksums as storage checks them: base64 digests, sent as Content-MD5 and x-amz-checksum-sha256. */
export interface PartChecksum {
  partNumber: number;
  md5: string;
  sha256?: string;
}

interface Digest {
  update(chunk: Uint8Array): void;
  base64(): string;
}

const base64Of = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

/** Node's OpenSSL where there is one, hash-wasm in browsers (WebCrypto has no MD5, nor incremental hashing). */
const createDigest = async (algorithm: ChecksumAlgorithm): Promise<Digest> => {
  if (isNode) {
    const { createHash } = await import("node:crypto");
    const hash = createHash(algorithm);
    return { update: (chunk) => void hash.update(chunk), base64: () => hash.digest("base64") };
  }
  const { createMD5, createSHA256 } = await import("hash-wasm");
  const hash = algorithm === "md5" ? await createMD5() : await createSHA256();
  hash.init();
  return { update: (chunk) => void hash.update(chunk), base64: () => base64Of(hash.digest("binary")) };
};

/** The checksums of a range of bytes, fed in pieces. */
export class PartHasher {
  private constructor(
    private readonly md5: Digest,
    private readonly sha256: Digest | undefined,
  ) {}

  static async create(algorithms: readonly ChecksumAlgorithm[]): Promise<PartHasher> {
    return new PartHasher(
      await createDigest("md5"),
      algorithms.includes("sha256") ? await createDigest("sha256") : undefined,
    );
  }

  update(chunk: Uint8Array): void {
    this.md5.update(chunk);
    this.sha256?.update(chunk);
  }

  checksum(partNumber: number): PartChecksum {
    return { partNumber, md5: this.md5.base64(), ...(this.sha256 ? { sha256: this.sha256.base64() } : {}) };
  }
}

export const checksumOf = async (
  bytes: Uint8Array,
  partNumber: number,
  algorithms: readonly ChecksumAlgorithm[],
): Promise<PartChecksum> => {
  const hasher = await PartHasher.create(algorithms);
  hasher.update(bytes);
  return hasher.checksum(partNumber);
};

export const sameChecksum = (a: PartChecksum, b: PartChecksum): boolean =>
  a.partNumber === b.partNumber && a.md5 === b.md5 && a.sha256 === b.sha256;

export interface PartLayout {
  size: number;
  partSize: number;
  partCount: number;
}

export const partBounds = (layout: PartLayout, partNumber: number): [number, number] => {
  const start = (partNumber - 1) * layout.partSize;
  return [start, Math.min(layout.size, start + layout.partSize)];
};

const CHUNK = 4 * 1024 * 1024;

/**
 * Reading bytes held in memory never waits, so a long hash would hold the event loop; this lets
 * the part uploads in flight move between chunks.
 */
const letOthersRun = (): Promise<void> =>
  typeof setImmediate === "function" ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve();

/**
 * One sequential read of the source that yields each part's checksums, in part order, ahead of
 * the part uploads that need them, and the whole content's SHA-256 when it is not known yet.
 * Only checksums are kept, never the bytes.
 */
export class PartChecksums {
  readonly sha256: Promise<string>;
  private readonly known = new Map<number, PartChecksum>();
  private readonly waiting = new Map<number, ((checksum: PartChecksum) => void)[]>();
  private failure: { error: unknown } | undefined;
  private readonly failed = new Set<(error: unknown) => void>();

  constructor(
    private readonly source: ByteSource,
    private readonly layout: PartLayout,
    todo: readonly number[],
    private readonly algorithms: readonly ChecksumAlgorithm[],
    options: { sha256?: string | undefined; known?: readonly PartChecksum[]; signal: AbortSignal },
  ) {
    const wanted = new Set(todo);
    for (const checksum of options.known ?? []) {
      if (wanted.has(checksum.partNumber) && this.covers(checksum)) {
        this.known.set(checksum.partNumber, checksum);
        wanted.delete(checksum.partNumber);
      }
    }
    this.sha256 = this.read(wanted, options.sha256, options.signal);
    this.sha256.catch((error: unknown) => {
      this.failure = { error };
      for (const reject of this.failed) reject(error);
      this.failed.clear();
    });
  }

  /** The part's checksums, once the read has reached the end of the part. */
  of(partNumber: number): Promise<PartChecksum> {
    const checksum = this.known.get(partNumber);
    if (checksum) return Promise.resolve(checksum);
    const failure = this.failure;
    if (failure) return Promise.reject(failure.error);
    return new Promise((resolve, reject) => {
      const onFailure = (error: unknown) => reject(error);
      this.failed.add(onFailure);
      this.waiting.set(partNumber, [
        ...(this.waiting.get(partNumber) ?? []),
        (checksum) => {
          this.failed.delete(onFailure);
          resolve(checksum);
        },
      ]);
    });
  }

  /** The checksums computed so far, for signing URLs ahead of the uploads that will use them. */
  get(partNumber: number): PartChecksum | undefined {
    return this.known.get(partNumber);
  }

  private covers(checksum: PartChecksum): boolean {
    return !this.algorithms.includes("sha256") || checksum.sha256 !== undefined;
  }

  private async read(wanted: Set<number>, knownSha256: string | undefined, signal: AbortSignal) {
    const whole = knownSha256 ? undefined : await createSha256();
    for (let partNumber = 1; partNumber <= this.layout.partCount; partNumber += 1) {
      const hashing = wanted.has(partNumber);
      if (!hashing && !whole) continue;
      const part = hashing ? await PartHasher.create(this.algorithms) : undefined;
      const [start, end] = partBounds(this.layout, partNumber);
      for (let offset = start; offset < end; offset += CHUNK) {
        signal.throwIfAborted();
        const chunk = await this.source.read(offset, Math.min(end, offset + CHUNK));
        whole?.update(chunk);
        part?.update(chunk);
        await letOthersRun();
      }
      if (part) this.settle(part.checksum(partNumber));
    }
    return knownSha256 ?? (whole as NonNullable<typeof whole>).hex();
  }

  private settle(checksum: PartChecksum): void {
    this.known.set(checksum.partNumber, checksum);
    for (const resolve of this.waiting.get(checksum.partNumber) ?? []) resolve(checksum);
    this.waiting.delete(checksum.partNumber);
  }
}
