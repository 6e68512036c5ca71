import type { Daemon } from "./daemon";
import type { Log } from "./util";

export interface RestartPolicy {
  /** The wait before the first restart; it doubles with each restart in a row. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A daemon up this long counts as well again: its next crash waits `firstDelayMs` again. */
  stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
  stableMs: 60_000,
};

/** 1 s, 2 s, 4 s... up to the cap, for the restarts in a row so far. */
export const restartDelay = (policy: RestartPolicy, restartsInARow: number): number =>
  Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** restartsInARow);

/** How one daemon is started, the first time and after each crash: same command, ports, config. */
export interface DaemonLauncher {
  /** Starts the process (after whatever it must note first). */
  spawn(): Promise<Daemon>;
  /** Resolves once the daemon serves; rejects if it exits first or does not serve in time. */
  ready(daemon: Daemon): Promise<void>;
}

/** For a daemon that is up but does not serve, or one started while the cluster was being stopped. */
const STOP_GRACE_MS = 5000;

const inSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(2))} s`;

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";

/**
 * One daemon of the cluster, started again with backoff whenever it exits once `supervise` was
 * called, until `stop`. The log says what happened: the exit, the wait, and when it is back.
 */
export class SupervisedDaemon {
  private current: Daemon | undefined;
  private watching: Promise<void> | undefined;
  private stopped = false;
  private restartsInARow = 0;
  /** When the daemon last came up and served; undefined while it is down. */
  private upSince: number | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly label: string,
    private readonly launcher: DaemonLauncher,
    private readonly log: Log,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  /** Undefined while the daemon runs; otherwise how it last ended. */
  get exitStatus(): string | undefined {
    return this.current?.exitStatus;
  }

  /** The first start. A daemon that does not come up here is an error of the caller's, not restarted. */
  async start(): Promise<void> {
    this.current = await this.launcher.spawn();
    await this.launcher.ready(this.current);
    this.upSince = Date.now();
  }

  /** From now on, an exit is followed by a restart. */
  supervise(): void {
    if (this.current && !this.watching && !this.stopped) this.watching = this.restartOnExit(this.current);
  }

  /** Stops the daemon; it is not restarted (nor is a restart under way carried on). */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.current?.stop(graceMs);
    await this.watching;
  }

  private async restartOnExit(first: Daemon): Promise<void> {
    let daemon = first;
    let failure: string | undefined;
    for (;;) {
      await daemon.whenExited;
      if (this.stopped) return;
      const now = Date.now();
      if (this.upSince !== undefined && now - this.upSince >= this.policy.stableMs) this.restartsInARow = 0;
      this.upSince = undefined;
      const delay = restartDelay(this.policy, this.restartsInARow);
      const what = failure ?? `exited (${daemon.exitStatus})`;
      this.log(`${this.label} ${what}; restarting in ${inSeconds(delay)} (log: ${daemon.logPath})`);
      this.restartsInARow += 1;
      await this.pause(delay);
      if (this.stopped) return;
      const since = Date.now();
      try {
        daemon = await this.launcher.spawn();
        this.current = daemon;
        if (this.stopped) return void (await daemon.stop(STOP_GRACE_MS));
        await this.launcher.ready(daemon);
        this.upSince = Date.now();
        failure = undefined;
        const restarts = `${this.restartsInARow} restart${this.restartsInARow === 1 ? "" : "s"}`;
        this.log(`${this.label} is back after ${restarts} (up in ${inSeconds(Date.now() - since)})`);
      } catch (error) {
        if (this.stopped) return;
        failure = `did not come back (${firstLine(error)})`;
        // Still running but not serving: stopped, so the next attempt finds its ports free.
        if (daemon.exitStatus === undefined) await daemon.stop(STOP_GRACE_MS);
      }
    }
  }

  /** Waits, unless stop comes first. The wait does not keep the parent alive, as the daemons do not. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
