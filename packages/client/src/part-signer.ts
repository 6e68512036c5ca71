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
 * hashed that has no URL yet. `signAhead` asks for them before any sender does, so a part's URL
 * is usually there by the time a sender is free for it.
 */
export class PartSigner {
  /** Sign requests made, and the time they took (they overlap the sends). */
  readonly times = { signMs: 0, signRequests: 0 };
  private readonly cache = new Map<number, CachedUrl>();
  private inflight: Promise<void> | undefined;
  /** Checksums of the parts senders wait for a URL for. */
  private readonly asked = new Map<number, PartChecksum>();

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
    this.asked.set(checksum.partNumber, checksum);
    try {
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const cached = this.fresh(checksum);
        if (cached) return cached;
        // One batch request at a time; it carries every part a sender waits for.
        await (this.inflight ?? this.startBatch());
      }
    } finally {
      this.asked.delete(checksum.partNumber);
    }
    throw new Error(`Could not get a fresh URL for part ${checksum.partNumber}.`);
  }

  /** Signs the parts hashed ahead that have no fresh URL yet, unless a batch is on its way already. */
  signAhead(): void {
    // A failure here is met again, and reported, by the sender that asks for the URL.
    if (!this.inflight && this.due().length > 0) this.startBatch().catch(() => {});
  }

  /** The parts senders wait for, then those hashed ahead, that have no fresh URL. */
  private due(): PartChecksum[] {
    const due = new Map<number, PartChecksum>();
    for (const checksum of [...this.asked.values(), ...this.hashedAhead()]) {
      if (!due.has(checksum.partNumber) && !this.fresh(checksum)) due.set(checksum.partNumber, checksum);
    }
    return [...due.values()].slice(0, BATCH);
  }

  private startBatch(): Promise<void> {
    const batch = this.signBatch(this.due()).finally(() => {
      this.inflight = undefined;
    });
    this.inflight = batch;
    // Parts hashed while this batch was signed get theirs next.
    batch.then(
      () => this.signAhead(),
      () => {},
    );
    return batch;
  }

  private async signBatch(parts: PartChecksum[]): Promise<void> {
    if (parts.length === 0) return;
    const started = performance.now();
    this.times.signRequests += 1;
    // Signing again only signs again: safe to resend when it stalls.
    const signed = await this.transport.request<SignedParts>(
      "POST",
      `/v1/uploads/${this.uploadId}/parts`,
      { parts },
      {},
      { idempotent: true },
    );
    this.times.signMs += performance.now() - started;
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
