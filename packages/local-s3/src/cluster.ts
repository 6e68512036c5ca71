import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  type ClusterLayout,
  type ConfigInput,
  cephConf,
  clusterLayout,
  daemonLogPath,
  MON_ID,
  RGW_NAME,
} from "./config";
import { Daemon } from "./daemon";
import { CEPH_BINARIES } from "./install";
import { type ClusterState, type OsdIdentity, readState, type S3Keys, writeState } from "./state";
import { type DaemonLauncher, SupervisedDaemon } from "./supervisor";
import {
  freeLoopbackPorts,
  freeStablePorts,
  httpAnswers,
  isAlive,
  isPortFree,
  type Log,
  missingFromPath,
  portHolder,
  run,
  sleep,
} from "./util";

export interface LocalS3Options {
  /** The cluster lives in `<dataDir>/ceph`. */
  dataDir: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Port for the S3 endpoint on 127.0.0.1; a free one (or, persistent, the recorded one) if not given. */
  port?: number;
  /**
   * Keep the data across starts: start the cluster an earlier persistent start made in
   * `<dataDir>/ceph` again, on the same ports. False (the default): wipe it and make a fresh one.
   */
  persistent?: boolean;
  /**
   * Once the cluster is up, start a daemon that exits (crash, kill) again, with backoff (1 s, 2 s,
   * 4 s... up to 30 s; back to 1 s after a minute up), on the same ports and config. Default true.
   */
  supervise?: boolean;
  log?: (line: string) => void;
}

export interface LocalS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

const DEFAULT_ACCESS_KEY_ID = "artifactstore";
const DEFAULT_SECRET_ACCESS_KEY = "artifactstore-secret-key";
const S3_USER = "artifactstore";
// RGW takes the region from the SigV4 scope; us-east-1 also makes the SDK send no LocationConstraint.
const REGION = "us-east-1";
const STOP_GRACE_MS = 5000;

/**
 * Starts a single-node Ceph cluster with an S3 gateway on 127.0.0.1: a fresh one, or with
 * `persistent` the one recorded in `<dataDir>/ceph/state.json` if there is one.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const log: Log = options.log ?? (() => {});
  const keys: S3Keys = {
    accessKeyId: options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
    secretAccessKey: options.secretAccessKey ?? DEFAULT_SECRET_ACCESS_KEY,
  };
  checkKeys(keys);
  if (options.port !== undefined) checkPortNumber(options.port);
  const missing = await missingFromPath(CEPH_BINARIES);
  if (missing.length > 0) {
    throw new Error(
      `Ceph is not installed (missing: ${missing.join(", ")}); call ensureCephInstalled() first`,
    );
  }

  const started = Date.now();
  const layout = clusterLayout(resolve(options.dataDir, "ceph"));
  await killLeftovers(layout, log);
  const state = options.persistent ? await readState(layout) : undefined;
  const cluster = state
    ? await restartCluster(layout, state, keys, options.port, log)
    : await createCluster(layout, keys, options, log);
  if (options.supervise ?? true) cluster.supervise();
  const endpoint = cluster.endpoint;
  const how = state ? "restarted" : "created";
  log(`S3 endpoint ${endpoint} ready in ${seconds(started)} (cluster ${how} in ${layout.dir})`);
  return { endpoint, region: REGION, ...keys, stop: () => cluster.stop() };
}

/** A fresh cluster in an emptied directory; recorded in the state file if persistent. */
async function createCluster(
  layout: ClusterLayout,
  keys: S3Keys,
  options: LocalS3Options,
  log: Log,
): Promise<Cluster> {
  await resetDirectory(layout);
  // A persistent cluster needs its ports again after a restart, so not from the ephemeral range.
  const ports = options.persistent ? await freeStablePorts(3) : await freeLoopbackPorts(3);
  const [monV2Port, monV1Port, freePort] = ports as [number, number, number];
  if (options.port !== undefined) await checkPortFree(options.port);
  const config: ConfigInput = { fsid: randomUUID(), monV2Port, monV1Port, rgwPort: options.port ?? freePort };
  await writeFile(layout.conf, cephConf(layout, config));
  const cluster = new Cluster(layout, config, log);
  await bringUp(cluster, async () => {
    await cluster.createMon();
    await cluster.startMon();
    const osd = await cluster.createOsd();
    await cluster.startOsd(osd);
    await cluster.startRgw();
    await cluster.createUser(keys);
    // Only now: a first start that dies before this point is wiped by the next one.
    if (options.persistent) await writeState(layout, { ...config, osd, ...keys });
  });
  return cluster;
}

/** Starts the daemons of a recorded cluster again, without mkfs, on the recorded ports. */
async function restartCluster(
  layout: ClusterLayout,
  state: ClusterState,
  keys: S3Keys,
  port: number | undefined,
  log: Log,
): Promise<Cluster> {
  // The rgw port is only in ceph.conf, so an explicit one may differ; the mon ports are in the monmap.
  const config: ConfigInput = {
    fsid: state.fsid,
    monV2Port: state.monV2Port,
    monV1Port: state.monV1Port,
    rgwPort: port ?? state.rgwPort,
  };
  await checkRecordedPorts(layout, config, port !== undefined);
  await checkOsdDirectory(layout, state.osd);
  await makeDirectories(layout);
  await writeFile(layout.conf, cephConf(layout, config));
  const cluster = new Cluster(layout, config, log);
  try {
    await bringUp(cluster, async () => {
      await cluster.startMon();
      await cluster.startOsd(state.osd);
      await cluster.startRgw();
      const keysChanged =
        keys.accessKeyId !== state.accessKeyId || keys.secretAccessKey !== state.secretAccessKey;
      if (keysChanged) await cluster.replaceKeys(state, keys);
      if (keysChanged || config.rgwPort !== state.rgwPort) {
        await writeState(layout, { ...config, osd: state.osd, ...keys });
      }
    });
  } catch (error) {
    const hint = `(logs in ${layout.logDir}; delete ${layout.dir} to start a fresh, empty cluster)`;
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`local-s3: the cluster in ${layout.dir} did not start again ${hint}\n${detail}`, {
      cause: error,
    });
  }
  return cluster;
}

/** Runs the start-up steps; stops whatever they started if one fails. */
async function bringUp(cluster: Cluster, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

function checkKeys({ accessKeyId, secretAccessKey }: S3Keys): void {
  if (!/^\S+$/.test(accessKeyId)) throw new Error("accessKeyId must be non-empty, without whitespace");
  if (secretAccessKey.length < 8 || /\s/.test(secretAccessKey)) {
    throw new Error("secretAccessKey must be at least 8 characters, without whitespace");
  }
}

function checkPortNumber(port: number): void {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port ${port}`);
}

async function checkPortFree(port: number): Promise<void> {
  if (!(await isPortFree(port))) {
    throw new Error(`port ${port} on 127.0.0.1 is already in use`);
  }
}

/** A restarted cluster needs its recorded ports back; says who holds one that is taken. */
async function checkRecordedPorts(
  layout: ClusterLayout,
  config: ConfigInput,
  explicitRgwPort: boolean,
): Promise<void> {
  const fresh = `delete ${layout.dir} to start a fresh, empty cluster`;
  const needed: [number, string, string][] = [
    [config.monV2Port, "the monitor's v2 port, fixed in its monmap", fresh],
    [config.monV1Port, "the monitor's v1 port, fixed in its monmap", fresh],
    [
      config.rgwPort,
      explicitRgwPort ? "the S3 port asked for" : "the S3 endpoint's recorded port",
      explicitRgwPort
        ? "ask for another port"
        : `ask for another port (option port / LOCAL_S3_PORT), or ${fresh}`,
    ],
  ];
  for (const [port, what, alternative] of needed) {
    if (await isPortFree(port)) continue;
    const holder = (await portHolder(port)) ?? "another process";
    throw new Error(
      `local-s3: cannot start the cluster in ${layout.dir} again: port ${port} on 127.0.0.1 ` +
        `(${what}) is in use by ${holder}. Stop that process, or ${alternative}.`,
    );
  }
}

/** Catches a state file that does not belong to the OSD data beside it. */
async function checkOsdDirectory(layout: ClusterLayout, osd: OsdIdentity): Promise<void> {
  const path = join(osdDataDir(layout, osd.id), "fsid");
  const uuid = (await readFile(path, "utf8").catch(() => "")).trim();
  if (uuid !== osd.uuid) {
    throw new Error(
      `local-s3: ${layout.state} names OSD ${osd.id} (${osd.uuid}) but ${path} ` +
        `${uuid ? `says ${uuid}` : "is missing"}; delete ${layout.dir} to start a fresh, empty cluster`,
    );
  }
}

const osdDataDir = (layout: ClusterLayout, id: string): string => join(layout.osdDir, `ceph-${id}`);

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/**
 * Kills daemons a crashed earlier run left in this directory (their watchdogs would stop them
 * within seconds, but the new daemons need their ports and data now).
 */
async function killLeftovers(layout: ClusterLayout, log: Log): Promise<void> {
  const leftovers = await leftoverPids(layout);
  if (leftovers.length === 0) return;
  log(`killing daemons left by an earlier run: ${leftovers.join(", ")}`);
  for (const pid of leftovers) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // not a group leader, or gone already
      }
    }
  }
  for (let i = 0; i < 100 && leftovers.some(isAlive); i++) await sleep(100);
}

async function resetDirectory(layout: ClusterLayout): Promise<void> {
  await rm(layout.dir, { recursive: true, force: true });
  await makeDirectories(layout);
}

async function makeDirectories(layout: ClusterLayout): Promise<void> {
  const { runDir, logDir, monDir, osdDir, rgwDir, crashDir } = layout;
  for (const dir of [runDir, logDir, monDir, osdDir, rgwDir, crashDir]) {
    await mkdir(dir, { recursive: true });
  }
}

/** Processes (daemons and their wrappers) whose command line names this cluster's ceph.conf. */
async function leftoverPids(layout: ClusterLayout): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(layout.conf)) pids.push(pid);
  }
  return pids;
}

class Cluster {
  readonly endpoint: string;
  private readonly daemons: SupervisedDaemon[] = [];
  private stopping: Promise<void> | undefined;
  /** Once set, exits are the supervisors' to tell. */
  private supervised = false;

  constructor(
    private readonly layout: ClusterLayout,
    private readonly config: ConfigInput,
    private readonly log: Log,
  ) {
    this.endpoint = `http://127.0.0.1:${config.rgwPort}`;
  }

  /** A monmap with this cluster's fsid and mon address, and a mon store made from it. */
  async createMon(): Promise<void> {
    const { conf, monmap } = this.layout;
    const { fsid, monV2Port, monV1Port } = this.config;
    const addrs = `[v2:127.0.0.1:${monV2Port},v1:127.0.0.1:${monV1Port}]`;
    await run("monmaptool", ["--create", "--fsid", fsid, "--addv", MON_ID, addrs, monmap], 30_000);
    await run("ceph-mon", ["-c", conf, "--mkfs", "-i", MON_ID, "--monmap", monmap], 60_000);
  }

  async startMon(): Promise<void> {
    const since = Date.now();
    await this.start("ceph-mon", {
      spawn: async () =>
        this.spawn(`mon.${MON_ID}`, "ceph-mon", ["-c", this.layout.conf, "-f", "-i", MON_ID]),
      ready: (mon) =>
        this.waitFor("the monitor to answer", 30_000, mon, async () => {
          await this.ceph(["mon", "stat"]);
          return true;
        }),
    });
    this.log(`ceph-mon up in ${seconds(since)}`);
  }

  /** Registers a new OSD with the mon and makes its BlueStore. */
  async createOsd(): Promise<OsdIdentity> {
    const since = Date.now();
    const uuid = randomUUID();
    const id = (await this.ceph(["osd", "new", uuid])).trim();
    if (!/^\d+$/.test(id)) throw new Error(`'ceph osd new' printed ${JSON.stringify(id)}, not an OSD id`);
    await mkdir(osdDataDir(this.layout, id), { recursive: true });
    await run("ceph-osd", ["-c", this.layout.conf, "-i", id, "--mkfs", "--osd-uuid", uuid], 120_000);
    this.log(`ceph-osd mkfs in ${seconds(since)}`);
    return { id, uuid };
  }

  async startOsd({ id }: OsdIdentity): Promise<void> {
    const since = Date.now();
    // After a crash the osdmap may still show the dead OSD up; only a boot after this epoch counts.
    let before: OsdDump = {};
    await this.start("ceph-osd", {
      spawn: async () => {
        before = await this.osdDump();
        return this.spawn(`osd.${id}`, "ceph-osd", ["-c", this.layout.conf, "-f", "-i", id]);
      },
      ready: (osd) =>
        this.waitFor("the OSD to be up and in", 60_000, osd, async () => {
          const dump = await this.osdDump();
          const entry = dump.osds?.find((o) => String(o.osd) === id);
          return entry?.up === 1 && entry.in === 1 && (entry.up_from ?? 0) > (before.epoch ?? 0);
        }),
    });
    this.log(`ceph-osd up in ${seconds(since)}`);
  }

  async startRgw(): Promise<void> {
    const since = Date.now();
    await this.start("radosgw", {
      spawn: async () => this.spawn(RGW_NAME, "radosgw", ["-c", this.layout.conf, "-f", "-n", RGW_NAME]),
      // On its first start radosgw creates its pools and zone before it listens.
      ready: (rgw) =>
        this.waitFor(`radosgw to answer HTTP on ${this.endpoint}`, 120_000, rgw, () =>
          httpAnswers(`${this.endpoint}/`, 2000),
        ),
    });
    this.log(`radosgw up in ${seconds(since)}`);
  }

  async createUser({ accessKeyId, secretAccessKey }: S3Keys): Promise<void> {
    await this.radosgwAdmin([
      "user",
      "create",
      `--uid=${S3_USER}`,
      "--display-name=artifact store (local)",
      `--access-key=${accessKeyId}`,
      `--secret-key=${secretAccessKey}`,
    ]);
  }

  /**
   * Makes `keys` the user's only S3 key: the caller hands these keys on as the credentials, so
   * the recorded ones must not keep working unnoticed.
   */
  async replaceKeys(old: S3Keys, keys: S3Keys): Promise<void> {
    const user = `--uid=${S3_USER}`;
    // Adds the key, or sets the secret of an existing access key id.
    await this.radosgwAdmin([
      "key",
      "create",
      user,
      "--key-type=s3",
      `--access-key=${keys.accessKeyId}`,
      `--secret-key=${keys.secretAccessKey}`,
    ]);
    if (old.accessKeyId !== keys.accessKeyId) {
      await this.radosgwAdmin(["key", "rm", user, "--key-type=s3", `--access-key=${old.accessKeyId}`]);
    }
    this.log(`S3 keys of user ${S3_USER} replaced (access key ${keys.accessKeyId})`);
  }

  /** Restarts each daemon that exits from now on, until stop. */
  supervise(): void {
    this.supervised = true;
    for (const daemon of this.daemons) daemon.supervise();
  }

  /** Stops rgw, then the OSD, then the mon, with no restarts. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const since = Date.now();
      for (const daemon of [...this.daemons].reverse()) {
        const wasRunning = daemon.exitStatus === undefined;
        await daemon.stop(STOP_GRACE_MS);
        // A clean stop exits 0; say so when it had to be killed or failed.
        if (wasRunning && daemon.exitStatus !== "code 0") {
          this.log(`${daemon.label} exited (${daemon.exitStatus}) on stop`);
        }
      }
      if (this.daemons.length > 0) this.log(`cluster stopped in ${seconds(since)}`);
    })();
    return this.stopping;
  }

  /** Starts a daemon the cluster stops in reverse order, and restarts once supervised. */
  private async start(label: string, launcher: DaemonLauncher): Promise<void> {
    const daemon = new SupervisedDaemon(label, launcher, this.log);
    this.daemons.push(daemon);
    await daemon.start();
  }

  private spawn(name: string, command: string, args: string[]): Daemon {
    const out = join(this.layout.logDir, `${name}.out`);
    const daemon = new Daemon(name, command, args, out, daemonLogPath(this.layout, name));
    void daemon.whenExited.then(() => {
      if (!this.stopping && !this.supervised) {
        this.log(`${name} exited (${daemon.exitStatus}) (logs in ${this.layout.logDir})`);
      }
    });
    return daemon;
  }

  /** The `ceph` CLI against this cluster; returns stdout. */
  private async ceph(args: string[]): Promise<string> {
    return (await run("ceph", ["-c", this.layout.conf, "--connect-timeout", "5", ...args], 15_000)).stdout;
  }

  private async osdDump(): Promise<OsdDump> {
    return JSON.parse(await this.ceph(["osd", "dump", "-f", "json"])) as OsdDump;
  }

  private async radosgwAdmin(args: string[]): Promise<void> {
    await run("radosgw-admin", ["-c", this.layout.conf, ...args], 60_000);
  }

  /** Polls `check` until true; fails early with the daemon's log tail if it exits. */
  private async waitFor(
    what: string,
    timeoutMs: number,
    daemon: Daemon,
    check: () => Promise<boolean>,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = "";
    for (;;) {
      if (daemon.exitStatus !== undefined) {
        throw new Error(`local-s3: ${daemon.name} died while waiting for ${what}\n${await daemon.report()}`);
      }
      try {
        if (await check()) return;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (Date.now() > deadline) {
        const last = lastError ? `\nlast error: ${lastError}` : "";
        throw new Error(
          `local-s3: timed out after ${timeoutMs / 1000} s waiting for ${what}${last}\n${await daemon.report()}`,
        );
      }
      await sleep(250);
    }
  }
}

interface OsdDump {
  epoch?: number;
  osds?: { osd: number; up: number; in: number; up_from?: number }[];
}
