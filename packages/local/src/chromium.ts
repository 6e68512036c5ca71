// Headless Chromium for the browser test: Debian's package, since this machine can reach Debian
// mirrors but not the download hosts Playwright fetches its own browsers from.
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { type AptInstall, aptInstall } from "./apt-install";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const INSTALL: AptInstall = {
  what: "Chromium",
  packages: ["chromium"],
  installedCheck: `[ -x ${CHROMIUM_PATH} ]`,
};

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
  const started = Date.now();
  log(`missing at ${CHROMIUM_PATH}: installing the Debian package with apt-get...`);
  await aptInstall(INSTALL, log);
  if (!(await isExecutable(CHROMIUM_PATH))) {
    throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing.`);
  }
  log(`${await versionOf(CHROMIUM_PATH)} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return CHROMIUM_PATH;
};
