// Supervision with stand-in daemons (small shell scripts under the same wrapper as the Ceph
// daemons), so crashes can be staged in milliseconds. test/storage-outage.test.ts kills a real
// radosgw.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Daemon } from "./daemon";
import { type RestartPolicy, restartDelay, SupervisedDaemon } from "./supervisor";
import { isAlive, sleep } from "./util";

const FAST: RestartPolicy = { firstDelayMs: 50, maxDelayMs: 200, stableMs: 600 };

let dir: string;
let supervised: SupervisedDaemon[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "local-s3-supervisor-"));
});
afterEach(async () => {
  await Promise.all(supervised.map((daemon) => daemon.stop(1000)));
  supervised = [];
  await rm(dir, { recursive: true, force: true });
});

const UP = "echo $$ > pid; exec sleep 60";

/**
 * A stand-in daemon run from `dir`: each start runs the next of `scripts` (the last one again once
 * they run out). `ready` resolves once the script wrote its pid, as a real daemon's readiness check
 * would once it serves, and rejects if it exits first.
 */
const standIn = (scripts: string[] = [UP], policy = FAST) => {
  const lines: string[] = [];
  const pidFile = join(dir, "pid");
  let starts = 0;
  const daemon = new SupervisedDaemon(
    "stand-in",
    {
      spawn: async () => {
        const script = scripts[Math.min(starts, scripts.length - 1)] ?? UP;
        starts += 1;
        await rm(pidFile, { force: true });
        const out = join(dir, "stand-in.out");
        return new Daemon("stand-in", "sh", ["-c", `cd ${dir} && ${script}`], out, out);
      },
      ready: async (running) => {
        while (!(await readFile(pidFile, "utf8").catch(() => ""))) {
          if (running.exitStatus !== undefined) throw new Error(`stand-in exited (${running.exitStatus})`);
          await sleep(10);
        }
      },
    },
    (line) => lines.push(line.replace(/ \(log: .*\)$/, "")),
    policy,
  );
  supervised.push(daemon);
  return {
    daemon,
    lines,
    starts: () => starts,
    pid: async () => Number(await readFile(pidFile, "utf8")),
    backs: () => lines.filter((line) => line.includes("is back")).length,
  };
};

const waitFor = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
};

describe("restart delays", () => {
  it("double from the first delay, up to the cap", () => {
    const policy = { firstDelayMs: 1000, maxDelayMs: 30_000, stableMs: 60_000 };
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => restartDelay(policy, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });
});

describe("a supervised daemon", () => {
  it("killed with SIGKILL is started again, and the log says so", async () => {
    const standin = standIn();
    await standin.daemon.start();
    standin.daemon.supervise();
    const first = await standin.pid();
    process.kill(first, "SIGKILL");
    await waitFor("the restart", () => standin.backs() === 1);
    expect(standin.lines).toEqual([
      "stand-in exited (signal SIGKILL); restarting in 0.05 s",
      expect.stringMatching(/^stand-in is back after 1 restart \(up in [\d.]+ s\)$/),
    ]);
    const second = await standin.pid();
    expect(second).not.toBe(first);
    expect(isAlive(second)).toBe(true);
  });

  it("that keeps dying waits longer each time, up to the cap", async () => {
    const standin = standIn(["echo $$ > pid; sleep 0.1; exit 3"]);
    await standin.daemon.start();
    standin.daemon.supervise();
    await waitFor("four restarts", () => standin.backs() >= 4);
    expect(standin.lines.filter((line) => line.includes("restarting"))).toEqual(
      ["0.05", "0.1", "0.2", "0.2"].map((s) => `stand-in exited (code 3); restarting in ${s} s`),
    );
  });

  it("that stayed up a while starts over from the first delay", async () => {
    const standin = standIn();
    await standin.daemon.start();
    standin.daemon.supervise();
    for (let kill = 1; kill <= 2; kill += 1) {
      process.kill(await standin.pid(), "SIGKILL");
      await waitFor(`restart ${kill}`, () => standin.backs() === kill);
    }
    await sleep(FAST.stableMs + 100);
    process.kill(await standin.pid(), "SIGKILL");
    await waitFor("the third restart", () => standin.backs() === 3);
    expect(standin.lines.filter((line) => line.includes("restarting"))).toEqual(
      ["0.05", "0.1", "0.05"].map((s) => `stand-in exited (signal SIGKILL); restarting in ${s} s`),
    );
    expect(standin.lines.at(-1)).toMatch(/is back after 1 restart /);
  });

  it("that does not come up again is given more time, and the log says why", async () => {
    const standin = standIn([UP, "exit 1", "exit 1", UP]);
    await standin.daemon.start();
    standin.daemon.supervise();
    process.kill(await standin.pid(), "SIGKILL");
    await waitFor("the restart that works", () => standin.backs() === 1);
    expect(standin.lines).toEqual([
      "stand-in exited (signal SIGKILL); restarting in 0.05 s",
      "stand-in did not come back (stand-in exited (code 1)); restarting in 0.1 s",
      "stand-in did not come back (stand-in exited (code 1)); restarting in 0.2 s",
      expect.stringMatching(/^stand-in is back after 3 restarts /),
    ]);
  });

  it("is not restarted when stopped", async () => {
    const standin = standIn();
    await standin.daemon.start();
    standin.daemon.supervise();
    const pid = await standin.pid();
    await standin.daemon.stop(1000);
    expect(isAlive(pid)).toBe(false);
    await sleep(FAST.firstDelayMs * 3);
    expect(standin.starts()).toBe(1);
    expect(standin.lines).toEqual([]);
  });

  it("stopped while it waits to be restarted stays down", async () => {
    const standin = standIn();
    await standin.daemon.start();
    standin.daemon.supervise();
    process.kill(await standin.pid(), "SIGKILL");
    await waitFor("the restart to be announced", () => standin.lines.length === 1);
    await standin.daemon.stop(1000);
    await sleep(FAST.firstDelayMs * 3);
    expect(standin.starts()).toBe(1);
  });
});
