import { join } from "node:path";

/** Where one throwaway cluster keeps everything; all inside one directory. */
export interface ClusterLayout {
  dir: string;
  conf: string;
  monmap: string;
  runDir: string;
  logDir: string;
  monDir: string;
  osdDir: string;
  rgwDir: string;
  crashDir: string;
  /** Written by a persistent start once the cluster is up (see state.ts). */
  state: string;
}

export const RGW_NAME = "client.rgw.a";
export const MON_ID = "a";

export function clusterLayout(dir: string): ClusterLayout {
  return {
    dir,
    conf: join(dir, "ceph.conf"),
    monmap: join(dir, "monmap"),
    runDir: join(dir, "run"),
    logDir: join(dir, "log"),
    monDir: join(dir, "mon"),
    osdDir: join(dir, "osd"),
    rgwDir: join(dir, "rgw"),
    crashDir: join(dir, "crash"),
    state: join(dir, "state.json"),
  };
}

/** The daemon's own log file, as `log file` below names it. */
export function daemonLogPath(layout: ClusterLayout, name: string): string {
  return join(layout.logDir, `ceph-${name}.log`);
}

export interface ConfigInput {
  fsid: string;
  monV2Port: number;
  monV1Port: number;
  rgwPort: number;
}

// Unix socket paths are limited to 107 bytes; longer ones make daemons fail to bind.
const MAX_SOCKET_PATH = 100;

export function cephConf(layout: ClusterLayout, input: ConfigInput): string {
  const asok = join(layout.runDir, "$cluster-$name.asok");
  // The longest expansion is the rgw one; with a deep dataDir turn admin sockets off.
  const adminSocket =
    asok.replace("$cluster-$name", `ceph-${RGW_NAME}`).length <= MAX_SOCKET_PATH ? asok : "";
  const daemon = [`admin socket = ${adminSocket}`, `pid file = ${join(layout.runDir, "$cluster-$name.pid")}`];
  const sections: Record<string, string[]> = {
    global: [
      `fsid = ${input.fsid}`,
      `mon host = [v2:127.0.0.1:${input.monV2Port},v1:127.0.0.1:${input.monV1Port}]`,
      "public addr = 127.0.0.1",
      "cluster addr = 127.0.0.1",
      "ms bind ipv6 = false",
      // No keys at all: a loopback-only throwaway cluster.
      "auth cluster required = none",
      "auth service required = none",
      "auth client required = none",
      `run dir = ${layout.runDir}`,
      `log file = ${join(layout.logDir, "$cluster-$name.log")}`,
      `mon cluster log file = ${join(layout.logDir, "$cluster.log")}`,
      `crash dir = ${layout.crashDir}`,
      "log to stderr = false",
      "err to stderr = true",
      // One OSD: single-copy pools, PGs placed across OSDs (type 0) not hosts.
      "osd pool default size = 1",
      "osd pool default min size = 1",
      "mon allow pool size one = true",
      "mon allow pool delete = true",
      "mon warn on pool no redundancy = false",
      "osd crush chooseleaf type = 0",
      "osd pool default pg num = 8",
      "osd pool default pgp num = 8",
      "osd pool default pg autoscale mode = off",
      // A nearly full CI disk must not stop the mon (it refuses below 5% free by default).
      "mon data avail warn = 2",
      "mon data avail crit = 1",
    ],
    mon: [
      `mon data = ${join(layout.monDir, "$cluster-$id")}`,
      // Commit map changes at once instead of batching them for 1 s: each of the ~20
      // commands of OSD boot and rgw pool creation otherwise waits about a second.
      "paxos propose interval = 0.05",
      ...daemon,
    ],
    osd: [
      `osd data = ${join(layout.osdDir, "$cluster-$id")}`,
      // BlueStore on a sparse file: data lives on disk, not in RAM like memstore.
      "osd objectstore = bluestore",
      "bluestore block create = true",
      "bluestore block size = 8589934592",
      "bluestore block db create = false",
      "bluestore block wal create = false",
      "bluestore fsck on mkfs = false",
      "osd memory target = 939524096",
      // Each op shard opens the block file once at boot (~0.3 s each; 5 by default).
      "osd op num shards = 2",
      "osd op num threads per shard = 2",
      ...daemon,
    ],
    [RGW_NAME]: [
      `rgw data = ${layout.rgwDir}`,
      // Beast with Nagle off: civetweb (no such option in Ceph 16) held every small response on a
      // kept-alive connection for the client's delayed ACK, about 40 ms (a 16 KiB GET took 44 ms
      // against 3 ms here). Beast once aborted on DeleteObjects with notifications configured; on
      // 16.2.15 it deleted six keys with a push topic on the bucket, and the whole suite passes.
      `rgw frontends = beast endpoint=127.0.0.1:${input.rgwPort} tcp_nodelay=1`,
      // The default 'secure' mode cannot talk to a mon without auth (-13).
      "ms mon client mode = crc",
      // Reclaim deleted objects within seconds, so the 8 GiB store does not fill up.
      "rgw gc obj min wait = 10",
      "rgw gc processor period = 10",
      // Several lifecycle workers contend for shard locks at start (in the 00:00-06:00 UTC work
      // window) and the loser sleeps 5 s, which delays shutdown by as much.
      "rgw lc max worker = 1",
      ...daemon,
    ],
  };
  return Object.entries(sections)
    .map(([name, lines]) => `[${name}]\n${lines.map((l) => `  ${l}`).join("\n")}\n`)
    .join("\n");
}
