/**
 * The total bar's counts: bytes done, bytes sent now (throughput), the total (failed files leave
 * it) and files done. Bytes storage already held (a duplicate, a resumed part) are done, not sent.
 */
export class TransferTally {
  /** Bytes of finished files (and of batch files stored, before their batch settles them). */
  finishedBytes = 0;
  /** Bytes sent in this run by files no longer in flight. */
  transferredBefore = 0;
  filesDone = 0;

  constructor(public totalBytes: number) {}

  /** A file that needed no transfer: done, not sent. */
  skip(size: number): void {
    this.finishedBytes += size;
    this.filesDone += 1;
  }

  /** A batch file's bytes now in storage: sent. */
  stored(size: number): void {
    this.finishedBytes += size;
    this.transferredBefore += size;
  }

  /** A batch file settled; `stored` says whether stored() counted its bytes already. */
  settled(size: number, outcome: "done" | "failed" | "stopped", stored: boolean): void {
    if (outcome === "done") {
      // Done without being stored: the store answered it as a duplicate, no bytes were sent.
      if (!stored) this.finishedBytes += size;
      this.filesDone += 1;
      return;
    }
    if (stored) this.finishedBytes -= size;
    if (outcome === "failed") this.totalBytes -= size;
  }

  /** A file with a bar of its own ended, having sent `sent` bytes now. */
  ended(size: number, sent: number, outcome: "done" | "failed" | "stopped"): void {
    this.transferredBefore += sent;
    if (outcome === "done") {
      this.finishedBytes += size;
      this.filesDone += 1;
    } else if (outcome === "failed") this.totalBytes -= size;
  }
}
