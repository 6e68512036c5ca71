// Installs Debian packages the tests need (Chromium, Scrapy): this machine reaches Debian's
// mirrors, not the hosts their own installers download from. Needs root.
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const LOCK_WAIT_SECONDS = 900;

// Exit codes of the install script, so the error can say which step failed.
const EXIT_UPDATE_FAILED = 90;
const EXIT_INSTALL_FAILED = 91;
const EXIT_LOCK_TIMEOUT = 92;

export interface AptInstall {
  /** What is being installed, for messages ("Chromium", "python3-scrapy"). */
  what: string;
  packages: readonly string[];
  /** A shell command that succeeds once it is installed: checked again inside the lock. */
  installedCheck: string;
}

/** The command a person would run instead, for messages. */
export const aptCommand = (install: AptInstall): string =>
  `apt-get install -y --no-install-recommends ${install.packages.join(" ")}`;

/**
 * Runs apt-get under flock(1), so two test runs at once do not race apt, streaming its lines to
 * `log`; the run before may have installed it meanwhile, hence the check inside the lock.
 */
export const aptInstall = async (install: AptInstall, log: (line: string) => void): Promise<void> => {
  const command = aptCommand(install);
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    throw new Error(
      `${install.what} is not installed, and installing it needs root on Debian. Run as root: apt-get update && ${command}`,
    );
  }
  const script = `
if ${install.installedCheck} 2>/dev/null; then echo "installed meanwhile by another run"; exit 0; fi
apt-get update -q || exit ${EXIT_UPDATE_FAILED}
${command} -q -o DPkg::Lock::Timeout=300 || exit ${EXIT_INSTALL_FAILED}
`;
  const lockFile = join(tmpdir(), `artifact-store-${install.packages[0]}-install.lock`);
  const child = spawn(
    "flock",
    ["-w", String(LOCK_WAIT_SECONDS), "-E", String(EXIT_LOCK_TIMEOUT), lockFile, "sh", "-c", script],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } },
  );
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      if (line.trim()) log(line);
    });
  }
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", (error) =>
      reject(new Error(`cannot run flock to install ${install.what} (${error.message}): ${command}`)),
    );
    child.once("close", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  switch (code) {
    case 0:
      return;
    case EXIT_UPDATE_FAILED:
      throw new Error(`apt-get update failed (see the log above); cannot install ${install.what}.`);
    case EXIT_INSTALL_FAILED:
      throw new Error(`apt-get install failed (see the log above): ${command}`);
    case EXIT_LOCK_TIMEOUT:
      throw new Error(`another ${install.what} install held the lock for over ${LOCK_WAIT_SECONDS} s.`);
    default:
      throw new Error(`installing ${install.what} failed with exit code ${code}: ${command}`);
  }
};
