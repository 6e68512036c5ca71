/**
 * Bytes held in memory at once, shared by whoever takes from it: a taker waits until what it
 * asks fits, except when nothing is held (one source larger than the whole budget still goes).
 */
export class ByteBudget {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Whether `bytes` could be taken now without waiting. */
  fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.limit;
  }

  async take(bytes: number): Promise<void> {
    while (!this.fits(bytes)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held += bytes;
  }

  give(bytes: number): void {
    this.held -= bytes;
    // Every waiter checks again: several small ones may fit where one large one left.
    for (const wake of this.waiting.splice(0)) wake();
  }
}
