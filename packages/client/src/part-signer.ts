import type { PresignedPart, SignedParts } from "@artifact-store/api";
import type { ApiTransport } from "./http";

interface CachedUrl {
  part: PresignedPart;
  expiresAt: number;
  /** Re-sign this much before expiry, so a URL never dies while its part is in flight. */
  marginMs: number;
}

const MAX_MARGIN_MS = 60_000;
const BATCH = 100;

/** Part URLs: those the create call returned, then more signed in batches as the upload needs them. */
export class PartSigner {
  private readonly cache = new Map<number, CachedUrl>();
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly transport: ApiTransport,
    private readonly uploadId: string,
    private readonly pending: () => readonly number[],
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

  async urlFor(partNumber: number): Promise<PresignedPart> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (this.isFresh(partNumber)) return (this.cache.get(partNumber) as CachedUrl).part;
      // One batch request at a time; workers waiting for a URL share its answer.
      this.inflight ??= this.signBatch(partNumber).finally(() => {
        this.inflight = undefined;
      });
      await this.inflight;
    }
    throw new Error(`Could not get a fresh URL for part ${partNumber}.`);
  }

  private async signBatch(first: number): Promise<void> {
    const wanted = [first, ...this.pending().filter((n) => n !== first && !this.isFresh(n))].slice(0, BATCH);
    const signed = await this.transport.request<SignedParts>("POST", `/v1/uploads/${this.uploadId}/parts`, {
      partNumbers: wanted,
    });
    this.remember(signed.parts, signed.expiresAt);
  }

  private isFresh(partNumber: number): boolean {
    const cached = this.cache.get(partNumber);
    return cached !== undefined && cached.expiresAt - cached.marginMs > Date.now();
  }
}
