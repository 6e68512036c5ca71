// `npm test`: lint, type-check, then every test against a real S3 server (a throwaway Ceph RGW
// unless S3_ENDPOINT is set) and both catalogue engines (PGlite, and a PostgreSQL server).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { ensureLocalStorage, ensurePostgres } from "@artifact-store/local";
import { ensureChromium } from "../packages/local/src/chromium";

const say = (line: string) => console.log(`[test] ${line}`);

const step = (
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): number => {
  say(name);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  return result.status ?? 1;
};

const main = async (): Promise<number> => {
  if (step("lint and format (biome)", "npx", ["biome", "check", "."]) !== 0) return 1;
  if (step("type-check (tsc --noEmit)", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]) !== 0) return 1;
  if (
    step("SST config (sst install + tsc -p tsconfig.sst.json)", "npx", ["tsx", "scripts/sst-check.ts"]) !== 0
  )
    return 1;

  const dataDir = resolve(".data/test");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  say(process.env.S3_ENDPOINT ? `S3 server: ${process.env.S3_ENDPOINT}` : "starting a throwaway Ceph RGW...");
  const storage = await ensureLocalStorage(process.env, dataDir, (line) => say(`s3: ${line}`));
  try {
    const databaseUrl = await ensurePostgres("artifact_store_test", say);
    const unitDatabaseUrl = await ensurePostgres("artifact_store_unit_test", say);
    say(`PostgreSQL: ${databaseUrl.replace(/:[^:@/]+@/, ":***@")}`);
    await ensureChromium((line) => say(`chromium: ${line}`)); // for test/browser.test.ts
    const resultsFile = resolve(dataDir, "vitest-results.json");
    const status = step(
      "vitest (unit, pglite, postgres)",
      "npx",
      ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${resultsFile}`],
      {
        ...process.env,
        ...storage.env,
        TEST_DATABASE_URL: databaseUrl,
        TEST_UNIT_DATABASE_URL: unitDatabaseUrl,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
    );
    try {
      const results = JSON.parse(readFileSync(resultsFile, "utf8")) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
      };
      console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed`);
    } catch {
      say("vitest wrote no results file");
    }
    return status;
  } finally {
    await storage.stop();
  }
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
