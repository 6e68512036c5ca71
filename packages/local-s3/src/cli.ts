// Usage: tsx packages/local-s3/src/cli.ts [--persistent] [dataDir]
// Starts the local S3 server, prints its settings as KEY=value lines, and runs until SIGINT/SIGTERM.
// --persistent keeps the cluster (and so the data) in dataDir across runs instead of wiping it.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCephInstalled, startLocalS3 } from "./index";

const log = (line: string): void => {
  process.stderr.write(`[local-s3] ${line}\n`);
};

async function main(): Promise<void> {
  const { persistent, dataDir } = parseArgs(process.argv.slice(2));
  const port = process.env.LOCAL_S3_PORT;
  await ensureCephInstalled(log);
  const s3 = await startLocalS3({ dataDir, persistent, log, ...(port ? { port: Number(port) } : {}) });
  process.stdout.write(
    [
      `S3_ENDPOINT=${s3.endpoint}`,
      `S3_ACCESS_KEY_ID=${s3.accessKeyId}`,
      `S3_SECRET_ACCESS_KEY=${s3.secretAccessKey}`,
      `S3_REGION=${s3.region}`,
      "",
    ].join("\n"),
  );
  // The daemons do not hold the event loop open; this does, until a signal arrives.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const shutdown = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping`);
    clearInterval(keepAlive);
    s3.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`stop failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

function parseArgs(args: string[]): { persistent: boolean; dataDir: string } {
  const persistent = args.includes("--persistent");
  const rest = args.filter((arg) => arg !== "--persistent");
  const unknown = rest.find((arg) => arg.startsWith("-"));
  if (unknown !== undefined || rest.length > 1) {
    throw new Error(`usage: cli.ts [--persistent] [dataDir] (unexpected ${unknown ?? rest[1]})`);
  }
  return { persistent, dataDir: rest[0] ?? join(tmpdir(), "artifact-store-local-s3") };
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
