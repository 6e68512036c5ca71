/** Speed over the last few seconds of progress, and the time left at that speed. */
export class TransferRate {
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 8_000) {}

  record(bytes: number, at = performance.now()): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - (this.samples[0]?.at ?? at) > this.windowMs) this.samples.shift();
  }

  /** Bytes per second, or null until there is enough to tell. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 250) return null;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }

  secondsLeft(totalBytes: number): number | null {
    const speed = this.bytesPerSecond();
    const last = this.samples.at(-1);
    if (!speed || !last) return null;
    return (totalBytes - last.bytes) / speed;
  }
}
