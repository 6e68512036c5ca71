interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a flush runs wait and go together in the next one, so N
 * concurrent callers cost a few flushes instead of N. One flush runs at a time, items flush in
 * the order they were submitted, and each caller settles with its own flush: once it succeeded,
 * with the result at its item's position; when it failed, every caller in it is rejected, so none
 * is told success for work that was not done. An idle queue adds no wait beyond the current turn
 * of the event loop.
 */
export class GroupCommit<Item, Result> {
  private queue: Waiting<Item, Result>[] = [];
  private draining = false;

  constructor(
    private readonly flush: (items: Item[]) => Promise<Result[]>,
    private readonly maxBatch: number,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // Whatever else arrives in this turn of the event loop joins the first flush.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.flush(batch.map((waiting) => waiting.item));
        if (results.length !== batch.length)
          throw new Error(`a flush of ${batch.length} items returned ${results.length} results`);
        for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as Result);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.draining = false;
  }
}
