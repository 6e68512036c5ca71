import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import type { Socket } from "node:net";
import { constants } from "node:os";
import { cephEnv, tailFile } from "./util";

// A small sh wrapper runs each daemon with a watchdog on the wrapper's stdin pipe:
// when the parent closes it (stop) or dies in any way (even SIGKILL), the daemon
// gets SIGTERM, and SIGKILL if it is still there after a while. So a killed test
// runner never leaves a cluster behind.
const WRAPPER = `
exec 3<&0
"$@" </dev/null &
daemon=$!
{ read -r _ <&3; kill -TERM "$daemon" 2>/dev/null; sleep 10; kill -KILL "$daemon" 2>/dev/null; } &
watcher=$!
exec 3<&-
wait "$daemon"
status=$?
kill "$watcher" 2>/dev/null
exit $status
`;

/** Process groups of wrappers still running, killed outright if the parent exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const group of liveGroups) killGroup(group, "SIGKILL");
  });
}

function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // already gone
  }
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/**
 * "code N" or "signal NAME". The wrapper's sh reports a daemon killed by a signal as its own exit
 * code 128 + the signal's number, so that is read as the signal.
 */
function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal ${signal}`;
  const byWrapper = code !== null && code > 128 ? SIGNAL_NAMES.get(code - 128) : undefined;
  return byWrapper ? `signal ${byWrapper}` : `code ${code}`;
}

export class Daemon {
  readonly name: string;
  readonly outPath: string;
  readonly logPath: string;
  private readonly child: ChildProcess;
  private readonly group: number;
  private readonly exited: Promise<void>;
  private exitDescription: string | undefined;

  /**
   * Starts `command args` in its own process group. stdout/stderr go to `outPath`;
   * `logPath` is the daemon's own log file, quoted in error messages.
   */
  constructor(name: string, command: string, args: string[], outPath: string, logPath: string) {
    this.name = name;
    this.outPath = outPath;
    this.logPath = logPath;
    const out = openSync(outPath, "a");
    try {
      this.child = spawn("sh", ["-c", WRAPPER, `local-s3-${name}`, command, ...args], {
        detached: true,
        stdio: ["pipe", out, out],
        env: cephEnv(),
      });
    } finally {
      closeSync(out);
    }
    if (this.child.pid === undefined) throw new Error(`could not start ${command}`);
    this.group = this.child.pid;
    liveGroups.add(this.group);
    installExitHook();
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitDescription = describeExit(code, signal);
        liveGroups.delete(this.group);
        killGroup(this.group, "SIGKILL"); // the watchdog's sleep, if any
        resolve();
      });
    });
    // Neither the process nor the watchdog pipe may keep the parent's event loop alive.
    this.child.unref();
    (this.child.stdin as Socket | null)?.unref();
  }

  /** Resolves once the wrapper (and so the daemon) has exited. */
  get whenExited(): Promise<void> {
    return this.exited;
  }

  /** Undefined while running; otherwise how it ended: "code 0", "signal SIGKILL". */
  get exitStatus(): string | undefined {
    return this.exitDescription;
  }

  /** SIGTERM (through the watchdog), then SIGKILL to the whole group after graceMs. */
  async stop(graceMs: number): Promise<void> {
    if (this.exitDescription !== undefined) return;
    this.child.stdin?.end();
    // A cleared timer, so a quick exit does not hold the event loop for graceMs.
    const timer = setTimeout(() => killGroup(this.group, "SIGKILL"), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A description of the daemon's state with the tails of its output and log files. */
  async report(): Promise<string> {
    const state = this.exitDescription
      ? `${this.name} exited (${this.exitDescription})`
      : `${this.name} is running`;
    const out = await tailFile(this.outPath, 15);
    const log = await tailFile(this.logPath, 30);
    return `${state}\n--- ${this.outPath} ---\n${out}\n--- ${this.logPath} ---\n${log}`;
  }
}
