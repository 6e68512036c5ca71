// `npm test`: lint, type-check, then every test against a real S3 server (a throwaway Ceph RGW
// unless S3_ENDPOINT is set) and both catalogue engines (PGlite, and a PostgreSQL server), and the
// upload, download, search and integrity tests again on moto's S3 server (the moto project).
// A run leaves the machine as it found it, and other checkouts testing at once alone: databases
// (and, where PostgreSQL asks for one, a role) of its own, dropped at the end, on failure and on
// Ctrl-C too; its data folder removed unless something failed, when it is kept for a look.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { relative, resolve } from "node:path";
import { ensureLocalStorage, openPostgres } from "@artifact-store/local";
import { ensureChromium } from "../packages/local/src/chromium";
import { startMotoServer } from "../packages/local/src/moto-server";
import { ensureScrapy } from "../packages/local/src/scrapy";

const say = (line: string) => console.log(`[test] ${line}`);

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const SIGNAL_NUMBERS: Record<(typeof SIGNALS)[number], number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

// A signal does not end the run on the spot: it is passed to the step running, and the run then
// stops before the next one, so the clean-up below still happens.
let interrupted: (typeof SIGNALS)[number] | null = null;
const running = new Set<ChildProcess>();
for (const signal of SIGNALS) {
  process.on(signal, () => {
    if (!interrupted) say(`${signal}: stopping after cleaning up...`);
    interrupted ??= signal;
    for (const child of running) {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    }
  });
}

const step = (
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> => {
  if (interrupted) return Promise.resolve(1);
  say(name);
  return new Promise((resolve) => {
    // A process group of its own, signalled whole: npx does not pass every signal on to what it runs.
    const child = spawn(command, args, { stdio: "inherit", env, detached: true });
    running.add(child);
    child.on("error", () => {});
    child.on("close", (code) => {
      running.delete(child);
      resolve(code ?? 1);
    });
  });
};

const RUN = randomBytes(4).toString("hex");
const TEST_ROOT = resolve(".data/test");
const dataDir = resolve(TEST_ROOT, RUN);

/** What runs before this one kept at a fixed place (the RGW, ~600 MB), before runs had folders. */
const removeEarlierLayout = () => {
  for (const name of ["s3", "vitest-results.json"]) {
    const path = resolve(TEST_ROOT, name);
    if (existsSync(path)) {
      say(`removing ${relative(".", path)}, left by an earlier version of npm test`);
      rmSync(path, { recursive: true, force: true });
    }
  }
};

interface VitestResults {
  numPassedTests: number;
  numFailedTests: number;
  testResults?: { name: string; assertionResults?: { status: string }[] }[];
}

// The two tiers by where a test file lives: beside the code (unit, unit-postgres) or in test/
// (the whole stack, on pglite and postgres); a file run by two projects counts twice.
const TIERS = [
  { name: "unit (packages/**: unit, unit-postgres)", folder: "packages/" },
  { name: "stack (test/**: pglite, postgres, moto)", folder: "test/" },
];

const tierLines = (results: VitestResults): string[] =>
  TIERS.map(({ name, folder }) => {
    const assertions = (results.testResults ?? [])
      .filter((file) => relative(".", file.name).startsWith(folder))
      .flatMap((file) => file.assertionResults ?? []);
    const count = (status: string) => assertions.filter((assertion) => assertion.status === status).length;
    return `${name}: ${count("passed")} passed, ${count("failed")} failed`;
  });

const vitest = async (env: NodeJS.ProcessEnv): Promise<number> => {
  const resultsFile = resolve(dataDir, "vitest-results.json");
  const status = await step(
    "vitest (unit, pglite, postgres, moto)",
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`],
    env,
  );
  try {
    const results = JSON.parse(readFileSync(resultsFile, "utf8")) as VitestResults;
    console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed`);
    for (const line of tierLines(results)) console.log(`  ${line}`);
  } catch {
    say("vitest wrote no results file");
  }
  return status;
};

const main = async (): Promise<number> => {
  if ((await step("lint and format (biome)", "npx", ["biome", "check", "."])) !== 0) return 1;
  if ((await step("type-check (tsc --noEmit)", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"])) !== 0)
    return 1;
  const sstCheck = ["tsx", "scripts/sst-check.ts"];
  if ((await step("SST config (sst install + tsc -p tsconfig.sst.json)", "npx", sstCheck)) !== 0) return 1;

  removeEarlierLayout();
  mkdirSync(dataDir, { recursive: true });
  let status = 1;
  try {
    say(
      process.env.S3_ENDPOINT ? `S3 server: ${process.env.S3_ENDPOINT}` : "starting a throwaway Ceph RGW...",
    );
    const storage = await ensureLocalStorage(process.env, dataDir, (line) => say(`s3: ${line}`));
    try {
      const server = await openPostgres(say);
      try {
        const databaseUrl = await server.createDatabase(`artifact_store_test_${RUN}`);
        const unitDatabaseUrl = await server.createDatabase(`artifact_store_unit_test_${RUN}`);
        say(`PostgreSQL: ${databaseUrl.replace(/:[^:@/]+@/, ":***@")} (and ..._unit_test_${RUN})`);
        await ensureChromium((line) => say(`chromium: ${line}`)); // for test/browser.test.ts
        await ensureScrapy((line) => say(`scrapy: ${line}`)); // for test/scrapy.test.ts
        // The second S3 implementation: not found on PATH is a failure of the run, never a skip.
        const moto = await startMotoServer();
        say(`moto's S3 server: ${moto.endpoint}`);
        try {
          if (!interrupted) {
            status = await vitest({
              ...process.env,
              ...storage.env,
              TEST_DATABASE_URL: databaseUrl,
              TEST_UNIT_DATABASE_URL: unitDatabaseUrl,
              TEST_MOTO_ENDPOINT: moto.endpoint,
              AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            });
          }
        } finally {
          await moto.stop();
        }
      } finally {
        await server.dispose();
        say(`dropped this run's databases${server.role ? ` and role ${server.role}` : ""}`);
      }
    } finally {
      await storage.stop();
    }
  } finally {
    const kept = existsSync(dataDir) ? readdirSync(dataDir) : [];
    if ((status === 0 && !interrupted) || kept.length === 0) {
      rmSync(dataDir, { recursive: true, force: true });
      if (existsSync(TEST_ROOT) && readdirSync(TEST_ROOT).length === 0)
        rmSync(TEST_ROOT, { recursive: true });
    } else {
      const where = relative(".", dataDir);
      say(
        `kept ${where} for a look (${kept.join(", ")}; the RGW's logs are in s3/ceph/log): rm -rf ${where}`,
      );
    }
  }
  return interrupted ? 128 + SIGNAL_NUMBERS[interrupted] : status;
};

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(
      `[test] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
