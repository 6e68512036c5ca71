import { execFile } from "node:child_process";
import { access, constants, open, readdir, readFile, readlink } from "node:fs/promises";
import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { delimiter, join } from "node:path";

export type Log = (line: string) => void;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Environment for Ceph tools, without variables that would point them at another cluster. */
export function cephEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CEPH_CONF;
  delete env.CEPH_ARGS;
  return env;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its stderr in the message. */
export function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024, env: cephEnv() },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const why = error.killed ? `timed out after ${timeoutMs} ms` : error.message.split("\n")[0];
        const detail = `${stderr}\n${stdout}`.trim().split("\n").slice(-15).join("\n");
        reject(new Error(`${command} ${args.join(" ")}: ${why}${detail ? `\n${detail}` : ""}`));
      },
    );
  });
}

/** Last lines of a text file, or a note that it cannot be read. */
export async function tailFile(path: string, maxLines = 30, maxBytes = 16384): Promise<string> {
  try {
    const file = await open(path, "r");
    try {
      const { size } = await file.stat();
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, size - length);
      return buffer.toString("utf8").trimEnd().split("\n").slice(-maxLines).join("\n");
    } finally {
      await file.close();
    }
  } catch (error) {
    return `(cannot read ${path}: ${(error as Error).message})`;
  }
}

/** Ports that were free on 127.0.0.1; all held open together so they are distinct. */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no TCP address");
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

// Below the kernel's ephemeral range (outgoing connections take ports from there).
const STABLE_PORT_LOW = 10000;

/**
 * Free ports on 127.0.0.1 below the ephemeral range, for a cluster that must get the same ports
 * again after a restart: a port from that range may by then be some outgoing connection's.
 */
export async function freeStablePorts(count: number): Promise<number[]> {
  const range = await readFile("/proc/sys/net/ipv4/ip_local_port_range", "utf8").catch(() => "32768");
  const high = Math.min(Number(range.trim().split(/\s+/)[0]) || 32768, 65536);
  if (high - STABLE_PORT_LOW < 1000) return freeLoopbackPorts(count);
  const ports = new Set<number>();
  for (let tries = 0; ports.size < count && tries < 1000; tries++) {
    const port = STABLE_PORT_LOW + Math.floor(Math.random() * (high - STABLE_PORT_LOW));
    if (!ports.has(port) && (await isPortFree(port))) ports.add(port);
  }
  if (ports.size < count) throw new Error(`no ${count} free ports found on 127.0.0.1`);
  return [...ports];
}

/** True if nothing listens on 127.0.0.1:port (we could bind it). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** "pid N (command line)" of a process listening on TCP `port`, if /proc tells. */
export async function portHolder(port: number): Promise<string | undefined> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      // State 0A is LISTEN; the local address ends in the port in hex.
      if (state === "0A" && local && parseInt(local.split(":")[1] ?? "", 16) === port && inode) {
        inodes.add(`socket:[${inode}]`);
      }
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if (!inodes.has(await readlink(`/proc/${entry}/fd/${fd}`).catch(() => ""))) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
      return `pid ${entry} (${cmdline.split("\0").join(" ").trim().slice(0, 120)})`;
    }
  }
  return undefined;
}

/** True if anything answers HTTP on the URL (any status). */
export function httpAnswers(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: "GET", timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Names in `names` that are not executable files in any PATH directory. */
export async function missingFromPath(names: readonly string[]): Promise<string[]> {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const missing: string[] = [];
  for (const name of names) {
    let found = false;
    for (const dir of dirs) {
      try {
        await access(join(dir, name), constants.X_OK);
        found = true;
        break;
      } catch {
        // not in this directory
      }
    }
    if (!found) missing.push(name);
  }
  return missing;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
