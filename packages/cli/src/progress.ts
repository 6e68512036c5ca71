// Progress of many transfers: a total bar (bytes, files, throughput, ETA) over one bar per file in
// flight, on a terminal; nothing but the result lines when stdout is not one (or with --json).
import cliProgress from "cli-progress";
import { bytes, duration, fit, rate } from "./format";
import { TransferTally } from "./transfer-tally";

export interface FileProgress {
  /** Bytes of this file done so far. */
  update(done: number): void;
  /** A resumed upload's bytes storage already held: done, but not sent now (not throughput). */
  held(bytes: number): void;
  /**
   * Removes the bar. A failed file's bytes leave the total; a stopped one (Ctrl-C) stays in it,
   * not done.
   */
  end(outcome?: "done" | "failed" | "stopped"): void;
}

export interface TransferProgress {
  start(name: string, size: number): FileProgress;
  /** Bytes and a file that need no transfer (already uploaded): they count as done, not toward throughput. */
  skip(size: number): void;
  /** Bytes of a file without a bar of its own (a small file in a batch) now in storage. */
  stored(size: number): void;
  /**
   * A file without a bar of its own settled: done (its bytes too, if `stored` did not count
   * them), or failed (out of the total) or stopped (not done).
   */
  settled(size: number, outcome: "done" | "failed" | "stopped", stored: boolean): void;
  /** A result line for people: above the bars on a terminal, on stdout otherwise. */
  print(line: string): void;
  /** A warning or failure: above the bars, or on stderr. */
  warn(line: string): void;
  stop(): void;
}

/** Bars only for a person watching: stdout and stderr both a terminal, and no --json. */
export const wantsBars = (json: boolean): boolean =>
  !json && Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY) && process.env.TERM !== "dumb";

/** Throughput over the last few seconds, so the ETA follows the current pace, not the average. */
class Throughput {
  private readonly samples: [number, number][] = [];
  perSecond(now: number, transferred: number): number {
    const last = this.samples.at(-1);
    if (!last || now - last[0] >= 200) this.samples.push([now, transferred]);
    while (this.samples.length > 2 && now - (this.samples[0]?.[0] ?? now) > 5000) this.samples.shift();
    const first = this.samples[0];
    if (!first || now - first[0] < 200) return 0;
    return ((transferred - first[1]) * 1000) / (now - first[0]);
  }
}

const plain = (json: boolean): TransferProgress => ({
  start: () => ({ update: () => {}, held: () => {}, end: () => {} }),
  skip: () => {},
  stored: () => {},
  settled: () => {},
  print: (line) => {
    if (!json) console.log(line);
  },
  warn: (line) => console.error(line),
  stop: () => {},
});

export const createProgress = (options: {
  json: boolean;
  verb: string;
  totalBytes: number;
  totalFiles: number;
}): TransferProgress => {
  if (!wantsBars(options.json)) return plain(options.json);
  // Lines are cut at the terminal's edge (no wrapping): the name and the bar give way first.
  const columns = process.stderr.columns ?? 80;
  const nameWidth = Math.max(12, Math.min(36, columns - 100));
  const width = Math.max(10, Math.min(40, columns - nameWidth - 64));
  const bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      barsize: width,
      fps: 8,
      autopadding: true,
      barCompleteChar: "█",
      barIncompleteChar: "░",
      linewrap: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const tally = new TransferTally(options.totalBytes);
  const throughput = new Throughput();
  /** Per file in flight: bytes done, and of those, how many storage held before this run. */
  const active = new Map<number, { done: number; held: number }>();
  let nextId = 0;
  const total = bars.create(
    Math.max(1, options.totalBytes),
    0,
    {},
    {
      format: `${fit(options.verb, nameWidth)} {bar} {percentage}% {done}/{size}  {files} files  {speed}  ETA {timeLeft}`,
    },
  );
  const refresh = () => {
    let inFlight = 0;
    let sent = 0;
    for (const file of active.values()) {
      inFlight += file.done;
      sent += file.done - file.held;
    }
    const { totalBytes } = tally;
    const transferred = tally.transferredBefore + sent;
    const done = tally.finishedBytes + inFlight;
    const speed = throughput.perSecond(performance.now() - started, transferred);
    const remaining = totalBytes - done;
    total.setTotal(Math.max(1, totalBytes));
    total.update(Math.min(done, Math.max(1, totalBytes)), {
      done: bytes(done),
      size: bytes(totalBytes),
      files: `${tally.filesDone}/${options.totalFiles}`,
      speed: speed > 0 ? rate(speed) : "-",
      timeLeft: remaining <= 0 ? "0s" : speed > 0 ? duration(remaining / speed) : "-",
    });
  };
  const ticker = setInterval(refresh, 250);
  refresh();
  return {
    start(name, size) {
      const id = nextId++;
      const begun = performance.now();
      active.set(id, { done: 0, held: 0 });
      const bar = bars.create(
        Math.max(1, size),
        0,
        {},
        {
          format: `${fit(name, nameWidth)} {bar} {percentage}% {done}/{size}  {speed}`,
        },
      );
      const show = (done: number) => {
        const seconds = (performance.now() - begun) / 1000;
        const sent = done - (active.get(id)?.held ?? 0);
        bar.update(Math.min(done, Math.max(1, size)), {
          done: bytes(done),
          size: bytes(size),
          speed: seconds > 0.2 && sent > 0 ? rate(sent / seconds) : "-",
        });
      };
      show(0);
      let ended = false;
      return {
        update(done) {
          const file = active.get(id);
          if (ended || !file) return;
          file.done = done;
          show(done);
        },
        held(bytes) {
          const file = active.get(id);
          if (ended || !file) return;
          file.held = bytes;
          file.done = Math.max(file.done, bytes);
          show(file.done);
        },
        end(outcome = "done") {
          if (ended) return;
          ended = true;
          const file = active.get(id) ?? { done: 0, held: 0 };
          active.delete(id);
          tally.ended(size, file.done - file.held, outcome);
          bars.remove(bar);
          refresh();
        },
      };
    },
    skip(size) {
      tally.skip(size);
      refresh();
    },
    stored: (size) => tally.stored(size),
    settled: (size, outcome, stored) => tally.settled(size, outcome, stored),
    print: (line) => bars.log(`${line}\n`),
    warn: (line) => bars.log(`${line}\n`),
    stop() {
      clearInterval(ticker);
      refresh();
      bars.update(); // writes the lines logged since the last redraw, which stop() would drop
      bars.stop();
    },
  };
};
