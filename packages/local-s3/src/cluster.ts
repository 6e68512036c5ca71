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
import {
  freeLoopbackPorts,
  httpAnswers,
  isAlive,
  isPortFree,
  type Log,
  missingFromPath,
  run,
  sleep,
} from "./util";

export interface LocalS3Options {
  /** The cluster lives in `<dataDir>/ceph`, wiped at every start. */
  dataDir: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Port for the S3 endpoint on 127.0.0.1; a free one if not given. */
  port?: number;
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

/** Starts a fresh single-node Ceph cluster with an S3 gateway on 127.0.0.1. */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const log: Log = options.log ?? (() => {});
  const accessKeyId = options.accessKeyId ?? DEFAULT_ACCESS_KEY_ID;
  const secretAccessKey = options.secretAccessKey ?? DEFAULT_SECRET_ACCESS_KEY;
  checkKeys(accessKeyId, secretAccessKey);
  const missing = await missingFromPath(CEPH_BINARIES);
  if (missing.length > 0) {
    throw new Error(
      `Ceph is not installed (missing: ${missing.join(", ")}); call ensureCephInstalled() first`,
    );
  }

  const started = Date.now();
  const layout = clusterLayout(resolve(options.dataDir, "ceph"));
  await prepareDirectory(layout, log);
  const [monV2Port, monV1Port, freePort] = (await freeLoopbackPorts(3)) as [number, number, number];
  const rgwPort = options.port ?? freePort;
  if (options.port !== undefined) await checkPortFree(options.port);
  const config: ConfigInput = { fsid: randomUUID(), monV2Port, monV1Port, rgwPort };
  await writeFile(layout.conf, cephConf(layout, config));

  const cluster = new Cluster(layout, config, log);
  const endpoint = `http://127.0.0.1:${rgwPort}`;
  try {
    await cluster.startMon();
    await cluster.startOsd();
    await cluster.startRgw(endpoint);
    await cluster.createUser(accessKeyId, secretAccessKey);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  log(`S3 endpoint ${endpoint} ready in ${seconds(started)} (cluster in ${layout.dir})`);
  return { endpoint, region: REGION, accessKeyId, secretAccessKey, stop: () => cluster.stop() };
}

function checkKeys(accessKeyId: string, secretAccessKey: string): void {
  if (!/^\S+$/.test(accessKeyId)) throw new Error("accessKeyId must be non-empty, without whitespace");
  if (secretAccessKey.length < 8 || /\s/.test(secretAccessKey)) {
    throw new Error("secretAccessKey must be at least 8 characters, without whitespace");
  }
}

async function checkPortFree(port: number): Promise<void> {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port ${port}`);
  if (!(await isPortFree(port))) {
    throw new Error(`port ${port} on 127.0.0.1 is already in use`);
  }
}

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Kills daemons a crashed earlier run left in this directory, then starts it afresh. */
async function prepareDirectory(layout: ClusterLayout, log: Log): Promise<void> {
  const leftovers = await leftoverPids(layout);
  if (leftovers.length > 0) {
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
  await rm(layout.dir, { recursive: true, force: true });
  for (const dir of [
    layout.runDir,
    layout.logDir,
    layout.monDir,
    layout.osdDir,
    layout.rgwDir,
    layout.crashDir,
  ]) {
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
  private readonly daemons: Daemon[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly layout: ClusterLayout,
    private readonly config: ConfigInput,
    private readonly log: Log,
  ) {}

  async startMon(): Promise<void> {
    const since = Date.now();
    const { conf, monmap } = this.layout;
    const { fsid, monV2Port, monV1Port } = this.config;
    const addrs = `[v2:127.0.0.1:${monV2Port},v1:127.0.0.1:${monV1Port}]`;
    await run("monmaptool", ["--create", "--fsid", fsid, "--addv", MON_ID, addrs, monmap], 30_000);
    await run("ceph-mon", ["-c", conf, "--mkfs", "-i", MON_ID, "--monmap", monmap], 60_000);
    const mon = this.spawn(`mon.${MON_ID}`, "ceph-mon", ["-c", conf, "-f", "-i", MON_ID]);
    await this.waitFor("the monitor to answer", 30_000, mon, async () => {
      await this.ceph(["mon", "stat"]);
      return true;
    });
    this.log(`ceph-mon up in ${seconds(since)}`);
  }

  async startOsd(): Promise<void> {
    const since = Date.now();
    const uuid = randomUUID();
    const id = (await this.ceph(["osd", "new", uuid])).trim();
    if (!/^\d+$/.test(id)) throw new Error(`'ceph osd new' printed ${JSON.stringify(id)}, not an OSD id`);
    await mkdir(join(this.layout.osdDir, `ceph-${id}`), { recursive: true });
    await run("ceph-osd", ["-c", this.layout.conf, "-i", id, "--mkfs", "--osd-uuid", uuid], 120_000);
    const osd = this.spawn(`osd.${id}`, "ceph-osd", ["-c", this.layout.conf, "-f", "-i", id]);
    await this.waitFor("the OSD to be up and in", 60_000, osd, async () => {
      const stat = JSON.parse(await this.ceph(["osd", "stat", "-f", "json"])) as OsdStat;
      return stat.num_up_osds === 1 && stat.num_in_osds === 1;
    });
    this.log(`ceph-osd up in ${seconds(since)}`);
  }

  async startRgw(endpoint: string): Promise<void> {
    const since = Date.now();
    const rgw = this.spawn(RGW_NAME, "radosgw", ["-c", this.layout.conf, "-f", "-n", RGW_NAME]);
    // On its first start radosgw creates its pools and zone before it listens.
    await this.waitFor(`radosgw to answer HTTP on ${endpoint}`, 120_000, rgw, () =>
      httpAnswers(`${endpoint}/`, 2000),
    );
    this.log(`radosgw up in ${seconds(since)}`);
  }

  async createUser(accessKeyId: string, secretAccessKey: string): Promise<void> {
    await run(
      "radosgw-admin",
      [
        "-c",
        this.layout.conf,
        "user",
        "create",
        `--uid=${S3_USER}`,
        "--display-name=artifact store (local)",
        `--access-key=${accessKeyId}`,
        `--secret-key=${secretAccessKey}`,
      ],
      60_000,
    );
  }

  /** Stops rgw, then the OSD, then the mon. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const since = Date.now();
      for (const daemon of [...this.daemons].reverse()) {
        const wasRunning = daemon.exitStatus === undefined;
        await daemon.stop(STOP_GRACE_MS);
        // A clean stop exits 0; say so when it had to be killed or failed.
        if (wasRunning && daemon.exitStatus !== "exited with code 0") {
          this.log(`${daemon.name} ${daemon.exitStatus} on stop`);
        }
      }
      if (this.daemons.length > 0) this.log(`cluster stopped in ${seconds(since)}`);
    })();
    return this.stopping;
  }

  private spawn(name: string, command: string, args: string[]): Daemon {
    const out = join(this.layout.logDir, `${name}.out`);
    const daemon = new Daemon(name, command, args, out, daemonLogPath(this.layout, name));
    this.daemons.push(daemon);
    void daemon.whenExited.then(() => {
      if (!this.stopping) this.log(`${name} ${daemon.exitStatus} (logs in ${this.layout.logDir})`);
    });
    return daemon;
  }

  /** The `ceph` CLI against this cluster; returns stdout. */
  private async ceph(args: string[]): Promise<string> {
    return (await run("ceph", ["-c", this.layout.conf, "--connect-timeout", "5", ...args], 15_000)).stdout;
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

interface OsdStat {
  num_up_osds?: number;
  num_in_osds?: number;
}
