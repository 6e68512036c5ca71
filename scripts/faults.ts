// `npm run faults`: injects crashes between the steps of completing an upload, concurrent
// completes and an uploader that never comes back, on a real S3 server (a throwaway Ceph RGW
// unless S3_ENDPOINT is set) and both catalogue engines, and prints what became of the uploads.
// Then storage itself goes away during an SDK upload, on a Ceph cluster of its own each time.
// test/crash-safe-completion.test.ts and test/storage-outage.test.ts assert the same scenarios;
// this prints the tables.
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensureLocalStorage, ensurePostgres } from "@artifact-store/local";
import postgres from "postgres";
import { FAULT_STACK_ENV, type FaultRow, runCompletionFaults } from "../test/support/fault-scenarios";
import { runProcessKillFaults } from "../test/support/process-kill-scenarios";
import { startTestStack } from "../test/support/stack";
import { runStorageOutageFaults } from "../test/support/storage-outage-scenarios";
import { printTable } from "./bench-table";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.env.LOG_LEVEL ??= "silent";

const say = (line: string) => console.log(`[faults] ${line}`);

const HEADER = [
  "scenario",
  "uploads",
  "acknowledged",
  "complete: 200s / calls",
  "recovered",
  "lost",
  "orphaned bytes found",
  "unreported",
];

const printRows = (title: string, rows: FaultRow[]) =>
  printTable(
    title,
    HEADER,
    rows.map((row) => [
      row.scenario,
      row.uploads,
      row.acknowledged,
      `${row.answered} / ${row.calls}${row.sameArtifact ? "" : " (other artifact!)"}`,
      row.recovered,
      row.lost,
      row.orphanedBytesFound,
      row.orphanedBytesUnreported,
    ]),
  );

const badOf = (rows: FaultRow[]) =>
  rows.reduce((sum, row) => sum + row.lost + row.orphanedBytesUnreported + (row.sameArtifact ? 0 : 1), 0);

const onEngine = async (engine: string, databaseUrl: string | undefined) => {
  process.env.DATABASE_URL = databaseUrl ?? "";
  const stack = await startTestStack(FAULT_STACK_ENV, { ownDatabase: true });
  try {
    const { rows } = await runCompletionFaults(stack);
    printRows(`Upload completion under faults (${engine})`, rows);
    return badOf(rows);
  } finally {
    await stack.close();
  }
};

const main = async (): Promise<number> => {
  const storage = await ensureLocalStorage(process.env, resolve(".data/faults"), (line) =>
    say(`s3: ${line}`),
  );
  Object.assign(process.env, storage.env);
  // A database of this run's own, dropped at the end: another checkout may be testing meanwhile.
  const database = `artifact_store_faults_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const databaseUrl = await ensurePostgres(database, say);
  try {
    let bad = (await onEngine("PGlite", undefined)) + (await onEngine("PostgreSQL", databaseUrl));
    const catalogues = [
      ["PGlite on disk", { CATALOG_DATA_DIR: await mkdtemp(join(tmpdir(), "faults-catalog-")) }],
      ["PostgreSQL", { DATABASE_URL: databaseUrl }],
    ] as const;
    for (const [engine, catalogue] of catalogues) {
      const killed = await runProcessKillFaults(catalogue);
      printRows(
        `Upload completion with the API process SIGKILLed (${engine}, opened by each in turn)`,
        killed,
      );
      bad += badOf(killed);
    }
    const outages: FaultRow[] = [];
    for (const [engine, url] of [
      ["PGlite", ""],
      ["PostgreSQL", databaseUrl],
    ] as const) {
      say(`storage outages (${engine}): starting a Ceph cluster of their own`);
      process.env.DATABASE_URL = url;
      const { rows } = await runStorageOutageFaults();
      outages.push(...rows.map((row) => ({ ...row, scenario: `${engine}: ${row.scenario}` })));
    }
    printRows("Storage outage during an SDK multipart upload", outages);
    bad += badOf(outages);
    say(bad === 0 ? "nothing lost, every orphan reported" : `${bad} lost uploads or unreported bytes`);
    return bad === 0 ? 0 : 1;
  } finally {
    const server = new URL(databaseUrl);
    server.pathname = "/postgres";
    const admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${database}" with (force)`).finally(() => admin.end());
    await storage.stop();
  }
};

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(
      `[faults] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
