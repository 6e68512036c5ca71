import { base64Of } from "./encoding";
import { isNode } from "./sha256";

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
