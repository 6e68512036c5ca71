import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type Log, missingFromPath } from "./util";

export const CEPH_BINARIES = [
  "radosgw",
  "ceph-mon",
  "ceph-osd",
  "ceph",
  "monmaptool",
  "radosgw-admin",
] as const;

const PACKAGES = ["radosgw", "ceph-mon", "ceph-osd", "ceph-common"];
const LOCK_WAIT_SECONDS = 900;

// Exit codes of the install script, so the error can say which step failed.
const EXIT_UPDATE_FAILED = 90;
const EXIT_INSTALL_FAILED = 91;
const EXIT_LOCK_TIMEOUT = 92;

// Runs under flock(1) so concurrent installers (two test runs at once) queue up;
// it re-checks the binaries inside the lock, since the one before may have installed them.
const INSTALL_SCRIPT = `
missing=""
for b in ${CEPH_BINARIES.join(" ")}; do command -v "$b" >/dev/null 2>&1 || missing="$missing $b"; done
if [ -z "$missing" ]; then echo "Ceph binaries already present"; exit 0; fi
echo "missing:$missing; installing ${PACKAGES.join(" ")}"
apt-get update || exit ${EXIT_UPDATE_FAILED}
apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 ${PACKAGES.join(" ")} || exit ${EXIT_INSTALL_FAILED}
`;

const defaultLog: Log = (line) => process.stderr.write(`[local-s3] ${line}\n`);

/**
 * Makes sure the Ceph daemons and tools are on PATH, installing Debian's packages
 * with apt-get if not (needs root). Progress goes to `log` (default: stderr).
 */
export async function ensureCephInstalled(log: Log = defaultLog): Promise<void> {
  const missing = await missingFromPath(CEPH_BINARIES);
  if (missing.length === 0) return;
  const command = `apt-get install --no-install-recommends ${PACKAGES.join(" ")}`;
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    throw new Error(
      `Ceph is not installed (missing on PATH: ${missing.join(", ")}) and installing it needs root ` +
        `on Debian/Ubuntu. Run as root: ${command}`,
    );
  }
  if ((await missingFromPath(["flock", "apt-get"])).length > 0) {
    throw new Error(`Ceph is not installed and flock/apt-get are missing. Install it by hand: ${command}`);
  }
  const started = Date.now();
  log(`Ceph missing (${missing.join(", ")}): installing with apt-get, this takes about a minute`);
  const code = await runInstallScript(log);
  if (code !== 0) throw new Error(installFailure(code, command));
  const still = await missingFromPath(CEPH_BINARIES);
  if (still.length > 0) {
    throw new Error(`apt-get finished but these are still not on PATH: ${still.join(", ")}`);
  }
  log(`Ceph ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function installFailure(code: number, command: string): string {
  switch (code) {
    case EXIT_UPDATE_FAILED:
      return "apt-get update failed (see the log above); cannot install Ceph";
    case EXIT_INSTALL_FAILED:
      return `apt-get install failed (see the log above): ${command}`;
    case EXIT_LOCK_TIMEOUT:
      return `another Ceph install held the lock for over ${LOCK_WAIT_SECONDS} s`;
    default:
      return `installing Ceph failed with exit code ${code}: ${command}`;
  }
}

/** Runs the install script under a lock file in the temp dir, streaming its output lines to log. */
function runInstallScript(log: Log): Promise<number> {
  const lockFile = join(tmpdir(), "artifact-store-local-s3-ceph-install.lock");
  const child = spawn(
    "flock",
    ["-w", String(LOCK_WAIT_SECONDS), "-E", String(EXIT_LOCK_TIMEOUT), lockFile, "sh", "-c", INSTALL_SCRIPT],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      if (line.trim()) log(line);
    });
  }
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
