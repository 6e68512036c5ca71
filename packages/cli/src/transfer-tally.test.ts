import { describe, expect, it } from "vitest";
import { TransferTally } from "./transfer-tally";

describe("the total bar's counts", () => {
  it("a batch file answered as a duplicate is done but sent nothing", () => {
    const tally = new TransferTally(300);
    tally.settled(100, "done", false);
    expect(tally).toMatchObject({ finishedBytes: 100, transferredBefore: 0, filesDone: 1, totalBytes: 300 });
  });

  it("a batch file stored then settled counts its bytes as sent, once", () => {
    const tally = new TransferTally(300);
    tally.stored(100);
    tally.settled(100, "done", true);
    expect(tally).toMatchObject({ finishedBytes: 100, transferredBefore: 100, filesDone: 1 });
  });

  it("a failed batch file leaves the total; a stopped one stays in it, not done", () => {
    const tally = new TransferTally(300);
    tally.stored(100);
    tally.settled(100, "failed", true);
    tally.settled(50, "stopped", false);
    expect(tally).toMatchObject({ finishedBytes: 0, totalBytes: 200, filesDone: 0 });
  });

  it("a file with its own bar counts what it sent now, not what storage held", () => {
    const tally = new TransferTally(300);
    tally.ended(200, 120, "done");
    tally.skip(100);
    expect(tally).toMatchObject({ finishedBytes: 300, transferredBefore: 120, filesDone: 2 });
  });
});
