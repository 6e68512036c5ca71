/** Progress is reported once this many more bytes moved ... */
export const PROGRESS_EVERY_BYTES = 1024 * 1024;
/** ... or once this long passed with some moved: whichever comes first. */
export const PROGRESS_EVERY_MS = 250;

/**
 * Turns "bytes moved" (one per 64 KiB piece fetch pulls, in parallel parts) into reports at least
 * every MiB or 250 ms while bytes move, and no more often: a piece that moved just after a report
 * is reported when the 250 ms are up, even if nothing moves after it.
 */
export class ProgressThrottle {
  private reportedBytes: number;
  private reportedAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The bytes moved so far (it may go back: a part that failed half-way is sent again). */
    private readonly bytes: () => number,
    private readonly report: () => void,
    private readonly now: () => number = () => performance.now(),
    private readonly everyBytes = PROGRESS_EVERY_BYTES,
    private readonly everyMs = PROGRESS_EVERY_MS,
  ) {
    this.reportedBytes = bytes();
    this.reportedAt = now();
  }

  /** Bytes moved; `force` reports now (a part done, the start, the end). */
  moved(force = false): void {
    const elapsed = this.now() - this.reportedAt;
    if (force || Math.abs(this.bytes() - this.reportedBytes) >= this.everyBytes || elapsed >= this.everyMs) {
      this.flush(force);
    } else {
      this.timer ??= setTimeout(() => this.flush(false), this.everyMs - elapsed);
    }
  }

  /** Stops the trailing report; nothing is reported after this. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(force: boolean): void {
    this.close();
    const bytes = this.bytes();
    if (!force && bytes === this.reportedBytes) return;
    this.reportedBytes = bytes;
    this.reportedAt = this.now();
    this.report();
  }
}
