import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProgressThrottle } from "./progress";

const KiB = 1024;
const MiB = 1024 * KiB;

/** A throttle over a byte count the test moves, on a clock the test moves. */
const setup = () => {
  let bytes = 0;
  let now = 0;
  const reports: { bytes: number; at: number }[] = [];
  const throttle = new ProgressThrottle(
    () => bytes,
    () => reports.push({ bytes, at: now }),
    () => now,
  );
  return {
    reports,
    throttle,
    move: (by: number, afterMs = 0) => {
      now += afterMs;
      vi.advanceTimersByTime(afterMs);
      bytes += by;
      throttle.moved();
    },
    wait: (ms: number) => {
      now += ms;
      vi.advanceTimersByTime(ms);
    },
  };
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("progress is reported at least every MiB or 250 ms while bytes move", () => {
  it("a fast upload: once per MiB, not once per 64 KiB piece", () => {
    const { reports, move } = setup();
    for (let piece = 0; piece < 64; piece += 1) move(64 * KiB, 1); // 4 MiB in 64 ms
    expect(reports.map((report) => report.bytes)).toEqual([1, 2, 3, 4].map((n) => n * MiB));
  });

  it("a slow upload: every 250 ms, whatever little moved", () => {
    const { reports, move } = setup();
    for (let piece = 0; piece < 20; piece += 1) move(64 * KiB, 100); // 2 s, 1.25 MiB
    const gaps = reports.slice(1).map((report, index) => report.at - (reports[index]?.at ?? 0));
    expect(reports.length).toBeGreaterThanOrEqual(6);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(300);
  });

  it("bytes that moved just after a report are reported when the 250 ms are up, though nothing moves after", () => {
    const { reports, move, wait } = setup();
    move(2 * MiB); // reported at once
    move(64 * KiB, 10); // held back: too soon, too little
    expect(reports.map((report) => report.bytes)).toEqual([2 * MiB]);
    wait(240);
    expect(reports.map((report) => report.bytes)).toEqual([2 * MiB, 2 * MiB + 64 * KiB]);
  });

  it("a forced report (a part done) goes out at once; nothing is reported after close", () => {
    const { reports, throttle, move, wait } = setup();
    move(10, 1);
    throttle.moved(true);
    expect(reports).toHaveLength(1);
    move(10, 1);
    throttle.close();
    wait(1000);
    expect(reports).toHaveLength(1);
  });

  it("bytes taken back (a part sent again) count as movement too", () => {
    const { reports, move } = setup();
    move(3 * MiB);
    move(-2 * MiB, 1);
    expect(reports.map((report) => report.bytes)).toEqual([3 * MiB, MiB]);
  });
});
