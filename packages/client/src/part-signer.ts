import type { PartChecksum } from "./checksums";
import type { PresignedPart, SignedParts } from "./contract";
import type { ApiTransport } from "./http";

interface CachedUrl {
  part: PresignedPart;
  expiresAt: number;
  /** Re-sign this much before expiry, so a URL never dies while its part is in flight. */
  marginMs: number;
}

const MAX_MARGIN_MS = 60_000;
const BATCH = 100;

/**
 * Part URLs, each signed with its part's checksums: those the create call returned, then more
 * signed in batches as the parts are hashed: the part asked for, and every other part already
 * hashed that has no URL yet.
 */
export class PartSigner {
  private readonly cache = new Map<number, CachedUrl>();
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly transport: ApiTransport,
    private readonly uploadId: string,
    /** Checksums of the parts still to send that are already known, in part order. */
    private readonly hashedAhead: () => readonly PartChecksum[],
  ) {}

  remember(parts: readonly PresignedPart[], expiresAt: string): void {
    const expiry = Date.parse(expiresAt);
    // Half the lifetime at most, so even very short-lived URLs are used before they are replaced.
    const marginMs = Math.min(MAX_MARGIN_MS, (expiry - Date.now()) / 2);
    for (const part of parts) this.cache.set(part.partNumber, { part, expiresAt: expiry, marginMs });
  }

  forget(partNumber: number): void {
    this.cache.delete(partNumber);
  }

  /** A fresh URL that demands exactly these checksums. */
  async urlFor(checksum: PartChecksum): Promise<PresignedPart> {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const cached = this.fresh(checksum);
      if (cached) return cached;
      // One batch request at a time; workers waiting for a URL share its answer.
      this.inflight ??= this.signBatch(checksum).finally(() => {
        this.inflight = undefined;
      });
      await this.inflight;
    }
    throw new Error(`Could not get a fresh URL for part ${checksum.partNumber}.`);
  }

  private async signBatch(first: PartChecksum): Promise<void> {
    const others = this.hashedAhead().filter(
      (checksum) => checksum.partNumber !== first.partNumber && !this.fresh(checksum),
    );
    const parts = [first, ...others].slice(0, BATCH);
    // Signing again only signs again: safe to resend when it stalls.
    const signed = await this.transport.request<SignedParts>(
      "POST",
      `/v1/uploads/${this.uploadId}/parts`,
      { parts },
      {},
      { idempotent: true },
    );
    this.remember(signed.parts, signed.expiresAt);
  }

  /** The cached URL when it lives long enough yet and was signed for these very checksums. */
  private fresh(checksum: PartChecksum): PresignedPart | undefined {
    const cached = this.cache.get(checksum.partNumber);
    if (!cached || cached.expiresAt - cached.marginMs <= Date.now()) return undefined;
    const { headers } = cached.part;
    if (headers["content-md5"] !== checksum.md5) return undefined;
    const sha256 = headers["x-amz-checksum-sha256"];
    return sha256 === undefined || sha256 === checksum.sha256 ? cached.part : undefined;
  }
}
