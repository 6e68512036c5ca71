// Scrapy for the Scrapy adapter's tests and benchmark: Debian's python3-scrapy, for Debian's own
// Python, since this machine can reach Debian mirrors but not PyPI. The image's `python3` on PATH
// may be another interpreter (pyenv) that does not see Debian's packages, so the path is fixed.
import { execFile, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const SYSTEM_PYTHON = "/usr/bin/python3";

// Pillow for the ImagesPipeline (only recommended by python3-scrapy).
const INSTALL_COMMAND = "apt-get install -y --no-install-recommends python3-scrapy python3-pil";
const LOCK_WAIT_SECONDS = 900;
const CHECK = `${SYSTEM_PYTHON} -c "import scrapy, PIL"`;

// Exit codes of the install script, so the error can say which step failed.
const EXIT_UPDATE_FAILED = 90;
const EXIT_INSTALL_FAILED = 91;
const EXIT_LOCK_TIMEOUT = 92;

// Under flock(1) so two runs at once do not race apt; checks again inside the lock, since the run
// before may have installed it meanwhile.
const INSTALL_SCRIPT = `
if ${CHECK} 2>/dev/null; then echo "installed meanwhile by another run"; exit 0; fi
apt-get update -q || exit ${EXIT_UPDATE_FAILED}
${INSTALL_COMMAND} -q -o DPkg::Lock::Timeout=300 || exit ${EXIT_INSTALL_FAILED}
`;

/** Scrapy's version under Debian's Python, or null when that Python cannot import it. */
export const scrapyVersion = (): Promise<string | null> =>
  new Promise((resolve) =>
    execFile(
      SYSTEM_PYTHON,
      ["-c", "import scrapy, PIL; print(scrapy.__version__)"],
      { timeout: 30_000 },
      (error, stdout) => resolve(error ? null : stdout.trim()),
    ),
  );

/**
 * The Python that imports Scrapy (Debian's), installing python3-scrapy with apt-get when it
 * cannot (needs root). Progress goes to `log`.
 */
export const ensureScrapy = async (log: (line: string) => void): Promise<string> => {
  const version = await scrapyVersion();
  if (version) {
    log(`Scrapy ${version} for ${SYSTEM_PYTHON}`);
    return SYSTEM_PYTHON;
  }
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    throw new Error(
      `${SYSTEM_PYTHON} cannot import scrapy and PIL, and installing python3-scrapy needs root on Debian. ` +
        `Run as root: apt-get update && ${INSTALL_COMMAND}`,
    );
  }
  const started = Date.now();
  log(`${SYSTEM_PYTHON} cannot import scrapy and PIL: installing python3-scrapy with apt-get...`);
  const code = await runInstallScript(log);
  if (code !== 0) throw new Error(installFailure(code));
  const installed = await scrapyVersion();
  if (!installed) throw new Error(`apt-get installed python3-scrapy, but ${CHECK} still fails.`);
  log(`Scrapy ${installed} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return SYSTEM_PYTHON;
};

const installFailure = (code: number): string => {
  switch (code) {
    case EXIT_UPDATE_FAILED:
      return "apt-get update failed (see the log above); cannot install python3-scrapy.";
    case EXIT_INSTALL_FAILED:
      return `apt-get install failed (see the log above): ${INSTALL_COMMAND}`;
    case EXIT_LOCK_TIMEOUT:
      return `another python3-scrapy install held the lock for over ${LOCK_WAIT_SECONDS} s.`;
    default:
      return `installing python3-scrapy failed with exit code ${code}: ${INSTALL_COMMAND}`;
  }
};

const runInstallScript = (log: (line: string) => void): Promise<number> => {
  const lockFile = join(tmpdir(), "artifact-store-scrapy-install.lock");
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
      reject(new Error(`cannot run flock to install python3-scrapy (${error.message}): ${INSTALL_COMMAND}`)),
    );
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
};
