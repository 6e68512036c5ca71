// The offline check of sst.config.ts (npm test runs it; also `npm run check:sst`). `sst deploy`
// needs AWS and the Pulumi engine, neither of which exists here, so two things stand in for it:
// 1. `sst install` writes SST's platform types to .sst/platform (needs only the npm registry,
//    about 80 s on a fresh machine); it is skipped while the installed platform matches the sst
//    package and sst.config.ts has not changed since, and retried from scratch once on failure.
// 2. tsc over tsconfig.sst.json type-checks the config against those types (incremental).
// run() itself is exercised by packages/manifest/src/sst-config.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const say = (line: string) => console.log(`[sst-check] ${line}`);

const PLATFORM = resolve(".sst/platform");
const STAMP = resolve(".sst/ci-install.json");
const CONFIG = resolve("sst.config.ts");

const sstVersion = (): string =>
  (JSON.parse(readFileSync(resolve("node_modules/sst/package.json"), "utf8")) as { version: string }).version;

/** What an install depends on: the sst package and the config (its providers). */
const fingerprint = () => ({ sst: sstVersion(), config: statSync(CONFIG).mtimeMs });

const installed = (): boolean => {
  if (!existsSync(resolve(PLATFORM, "config.d.ts")) || !existsSync(resolve(PLATFORM, "node_modules")))
    return false;
  if (!existsSync(STAMP)) return false;
  const stamp = readFileSync(STAMP, "utf8");
  return (
    stamp === JSON.stringify(fingerprint()) &&
    readFileSync(resolve(PLATFORM, "version"), "utf8").trim() === sstVersion()
  );
};

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number =>
  spawnSync(command, args, { stdio: "inherit", env }).status ?? 1;

const install = (): number => {
  const env = {
    ...process.env,
    // No Pulumi or Bun downloads (npm only), no telemetry: works with the npm registry alone.
    SST_SKIP_DEPENDENCY_CHECK: "1",
    SST_NO_BUN: "1",
    SST_TELEMETRY_DISABLED: "1",
  };
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const started = performance.now();
    say(`sst install --stage ci (attempt ${attempt})...`);
    if (run("npx", ["--no-install", "sst", "install", "--stage", "ci"], env) === 0) {
      writeFileSync(STAMP, JSON.stringify(fingerprint()));
      say(`installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    }
    // A half-written platform folder would fail the same way again: start clean.
    rmSync(PLATFORM, { recursive: true, force: true });
    rmSync(STAMP, { force: true });
  }
  say("sst install failed twice; is the sst CLI binary (sst-linux-x64, an optional dependency) installed?");
  return 1;
};

const main = (): number => {
  if (installed()) say(`SST ${sstVersion()} platform types already installed`);
  else if (install() !== 0) return 1;
  say("tsc -p tsconfig.sst.json");
  return run("npx", ["--no-install", "tsc", "-p", "tsconfig.sst.json"]);
};

process.exit(main());
