// Headless Chromium for the browser test: Debian's package, since this machine can reach Debian
// mirrors but not the download hosts Playwright fetches its own browsers from.
import { execFile, spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const INSTALL_COMMAND = "apt-get install -y --no-install-recommends chromium";
const LOCK_WAIT_SECONDS = 900;

// Exit codes of the install script, so the error can say which step failed.
const EXIT_UPDATE_FAILED = 90;
const EXIT_INSTALL_FAILED = 91;
const EXIT_LOCK_TIMEOUT = 92;

// Runs under flock(1) so two test runs at once do not race apt; re-checks inside the lock,
// since the run before may have installed it meanwhile.
const INSTALL_SCRIPT = `
if [ -x ${CHROMIUM_PATH} ]; then echo "installed meanwhile by another run"; exit 0; fi
apt-get update -q || exit ${EXIT_UPDATE_FAILED}
${INSTALL_COMMAND} -q -o DPkg::Lock::Timeout=300 || exit ${EXIT_INSTALL_FAILED}
`;

const isExecutable = (path: string): Promise<boolean> =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

const versionOf = (path: string): Promise<string> =>
  new Promise((resolve) =>
    execFile(path, ["--version"], { timeout: 15_000 }, (error, stdout) =>
      resolve(error ? "version unknown" : stdout.trim()),
    ),
  );

/**
 * The path of Debian's Chromium, installing the package with apt-get when it is missing (needs
 * root). Progress goes to `log`.
 */
export const ensureChromium = async (log: (line: string) => void): Promise<string> => {
  if (await isExecutable(CHROMIUM_PATH)) {
    log(`${await versionOf(CHROMIUM_PATH)} at ${CHROMIUM_PATH}`);
    return CHROMIUM_PATH;
  }
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}, and installing it needs root on Debian. ` +
        `Run as root: apt-get update && ${INSTALL_COMMAND}`,
    );
  }
  const started = Date.now();
  log(`missing at ${CHROMIUM_PATH}: installing the Debian package with apt-get...`);
  const code = await runInstallScript(log);
  if (code !== 0) throw new Error(installFailure(code));
  if (!(await isExecutable(CHROMIUM_PATH))) {
    throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing.`);
  }
  log(`${await versionOf(CHROMIUM_PATH)} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return CHROMIUM_PATH;
};

const installFailure = (code: number): string => {
  switch (code) {
    case EXIT_UPDATE_FAILED:
      return "apt-get update failed (see the log above); cannot install Chromium.";
    case EXIT_INSTALL_FAILED:
      return `apt-get install failed (see the log above): ${INSTALL_COMMAND}`;
    case EXIT_LOCK_TIMEOUT:
      return `another Chromium install held the lock for over ${LOCK_WAIT_SECONDS} s.`;
    default:
      return `installing Chromium failed with exit code ${code}: ${INSTALL_COMMAND}`;
  }
};

/** Runs the install script under a lock file in the temp dir, streaming its output lines to log. */
const runInstallScript = (log: (line: string) => void): Promise<number> => {
  const lockFile = join(tmpdir(), "artifact-store-chromium-install.lock");
  const child = spawn(
    "flock",
    ["-w", String(LOCK_WAIT_SECONDS), "-E", String(EXIT_LOCK_TIMEOUT), lockFile, "sh", "-c", INSTALL_SCRIPT],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } },
  );
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      if (line.trim()) log(line);
    });
  }
  return new Promise((resolve, reject) => {
    child.once("error", (error) =>
      reject(new Error(`cannot run flock to install Chromium (${error.message}): ${INSTALL_COMMAND}`)),
    );
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
};
