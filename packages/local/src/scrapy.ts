// Scrapy for the Scrapy adapter's tests and benchmark: Debian's python3-scrapy, for Debian's own
// Python, since this machine can reach Debian mirrors but not PyPI. The image's `python3` on PATH
// may be another interpreter (pyenv) that does not see Debian's packages, so the path is fixed.
import { execFile } from "node:child_process";
import { type AptInstall, aptInstall } from "./apt-install";

export const SYSTEM_PYTHON = "/usr/bin/python3";

const CHECK = `${SYSTEM_PYTHON} -c "import scrapy, PIL"`;

// Pillow for the ImagesPipeline (only recommended by python3-scrapy).
const INSTALL: AptInstall = {
  what: "python3-scrapy",
  packages: ["python3-scrapy", "python3-pil"],
  installedCheck: CHECK,
};

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
  const started = Date.now();
  log(`${SYSTEM_PYTHON} cannot import scrapy and PIL: installing python3-scrapy with apt-get...`);
  await aptInstall(INSTALL, log);
  const installed = await scrapyVersion();
  if (!installed) throw new Error(`apt-get installed python3-scrapy, but ${CHECK} still fails.`);
  log(`Scrapy ${installed} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return SYSTEM_PYTHON;
};
