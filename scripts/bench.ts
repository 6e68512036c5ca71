// `npm run bench`: upload throughput of the presigned multipart path against the AWS SDK's own
// multipart upload (the physical limit here), then each bench-*.ts in turn (signing, bundles,
// search, verification, ingest...), each against a baseline measured in the same process.
// Prints tables; asserts nothing.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient } from "@artifact-store/client";
import { ensureLocalStorage, startLocalApi } from "@artifact-store/local";
import { uploadWithSdk } from "@artifact-store/storage/bench";
import { benchAudit } from "./bench-audit";
import { benchBackup } from "./bench-backup";
import { benchCli } from "./bench-cli";
import { benchConsole } from "./bench-console";
import { benchCrawlee } from "./bench-crawlee";
import { benchFunctions } from "./bench-functions";
import { benchIngest } from "./bench-ingest";
import { benchScrapy } from "./bench-scrapy";
import { benchSearch } from "./bench-search";
import { benchSigning } from "./bench-signing";
import { printTable } from "./bench-table";
import { benchUploadBreakdown } from "./bench-upload";
import { benchVerify } from "./bench-verify";
import { benchDownloadable } from "./bench-verify-now";
import { writeRandomFile } from "./random-file";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.env.LOG_LEVEL ??= "silent";

const MiB = 1024 * 1024;
const FILE_SIZE = 256 * MiB;
const PART_SIZE = 16 * MiB;
const CONCURRENCY = 4;
const ROUNDS = 3;

const say = (line: string) => console.log(`[bench] ${line}`);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const timed = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

const sha256OfFile = async (path: string): Promise<string> => {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) hash.update(chunk as Buffer);
  return hash.digest("hex");
};

/** Upload throughput against the AWS SDK's own multipart upload, and where the time goes. */
const benchUpload = async () => {
  const workDir = await mkdtemp(join(tmpdir(), "artifact-bench-"));
  const storage = await ensureLocalStorage(process.env, resolve(".data/bench"), (line) => say(`s3: ${line}`));
  const api = await startLocalApi(
    {
      ...process.env,
      ...storage.env,
      S3_BUCKET: `bench-${randomUUID().slice(0, 8)}`,
      AUTH_JWT_SECRET: randomBytes(32).toString("hex"),
      CATALOG_DATA_DIR: "memory://",
      UPLOAD_PART_SIZE_BYTES: String(PART_SIZE),
    },
    0,
  );
  try {
    const token = await signToken(api.config.auth, { sub: "bench" });
    const client = new ArtifactStoreClient({ baseUrl: api.url, token });

    // 1. Upload throughput, the two paths alternating so neither gets the warmer cache.
    const file = join(workDir, "payload.bin");
    await writeRandomFile(file, FILE_SIZE);
    say(
      `uploading ${FILE_SIZE / MiB} MiB, ${ROUNDS} rounds each, parts of ${PART_SIZE / MiB} MiB, ${CONCURRENCY} in flight`,
    );
    const sdk: number[] = [];
    const ours: number[] = [];
    const oursKnownHash: number[] = [];
    const knownSha256 = await sha256OfFile(file);
    for (let round = 0; round < ROUNDS; round += 1) {
      sdk.push(
        await timed(() =>
          uploadWithSdk(api.config.storage, file, `bench/${randomUUID()}`, {
            partSize: PART_SIZE,
            concurrency: CONCURRENCY,
          }),
        ),
      );
      ours.push(
        await timed(async () => {
          const artifact = await client.upload(file, { concurrency: CONCURRENCY });
          await client.delete(artifact.id);
        }),
      );
      oursKnownHash.push(
        await timed(async () => {
          const artifact = await client.upload(file, { concurrency: CONCURRENCY, sha256: knownSha256 });
          await client.delete(artifact.id);
        }),
      );
    }
    const mibps = (seconds: number) => FILE_SIZE / MiB / seconds;
    const hashSeconds = await timed(() => sha256OfFile(file));
    printTable(
      `Upload of ${FILE_SIZE / MiB} MiB (median of ${ROUNDS})`,
      ["path", "seconds", "MiB/s", "ratio vs SDK"],
      [
        [
          "AWS SDK multipart, storage credentials (baseline)",
          median(sdk).toFixed(2),
          mibps(median(sdk)).toFixed(1),
          "1.00",
        ],
        [
          "artifact store: SHA-256 + presigned multipart + complete",
          median(ours).toFixed(2),
          mibps(median(ours)).toFixed(1),
          (median(sdk) / median(ours)).toFixed(2),
        ],
        [
          "artifact store, SHA-256 already known (scrapers hash as they fetch)",
          median(oursKnownHash).toFixed(2),
          mibps(median(oursKnownHash)).toFixed(1),
          (median(sdk) / median(oursKnownHash)).toFixed(2),
        ],
        [
          "SHA-256 of the file alone (client CPU; overlapped with the upload)",
          hashSeconds.toFixed(2),
          mibps(hashSeconds).toFixed(0),
          "-",
        ],
      ],
    );

    await benchUploadBreakdown({ client, file, knownSha256 });
  } finally {
    await api.close();
    await storage.stop();
    await rm(workDir, { recursive: true, force: true });
  }
};

/** Every bench in the order `npm run bench` runs them; BENCH_ONLY=upload,signing,... runs those alone. */
const BENCHES: [name: string, run: () => Promise<unknown>][] = [
  ["upload", benchUpload],
  ["signing", benchSigning],
  ["functions", benchFunctions],
  ["search", benchSearch],
  ["verify", benchVerify],
  ["downloadable", benchDownloadable],
  ["backup", benchBackup],
  ["cli", benchCli],
  ["console", benchConsole],
  ["crawlee", benchCrawlee],
  ["scrapy", benchScrapy],
  ["audit", benchAudit],
  ["ingest", benchIngest],
];

const runBenches = async () => {
  const only = (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = only.filter((name) => !BENCHES.some(([known]) => known === name));
  if (unknown.length > 0) {
    throw new Error(`BENCH_ONLY names no bench ${unknown.join(", ")}: ${BENCHES.map(([n]) => n).join(", ")}`);
  }
  for (const [name, run] of BENCHES) if (only.length === 0 || only.includes(name)) await run();
};

runBenches().catch((error: unknown) => {
  console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
