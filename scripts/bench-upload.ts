// Upload throughput of the SDK (issue 16): the same comparison as section 1 of scripts/bench.ts
// (the AWS SDK's own multipart with storage credentials against client.upload, 256 MiB, parts of
// 16 MiB, 4 in flight, rounds alternating), then where the SDK's upload time goes: hashing,
// signing, sending and completing, as the SDK's `onTiming` reports them.
// `npx tsx scripts/bench-upload.ts` runs both; `npm run bench` calls benchUploadBreakdown() with
// its own client and file. Prints tables; asserts nothing.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient, type UploadTiming } from "@artifact-store/client";
import { ensureLocalStorage, startLocalApi } from "@artifact-store/local";
import { uploadWithSdk } from "@artifact-store/storage/bench";
import { printTable } from "./bench-table";
import { writeRandomFile } from "./random-file";

const MiB = 1024 * 1024;
const FILE_SIZE = Number(process.env.BENCH_UPLOAD_MIB ?? 256) * MiB;
const PART_SIZE = 16 * MiB;
const CONCURRENCY = 4;
const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 3);

const say = (line: string) => console.log(`[bench] ${line}`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const spread = (values: number[]) =>
  values.length > 1 ? `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}` : "-";

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

/** One upload through the SDK, with its timings; the artifact is deleted after. */
const timedUpload = async (client: ArtifactStoreClient, file: string, sha256?: string) => {
  let timing: UploadTiming | undefined;
  const started = performance.now();
  const artifact = await client.upload(file, {
    concurrency: CONCURRENCY,
    ...(sha256 ? { sha256 } : {}),
    onTiming: (reported) => {
      timing = reported;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  await client.delete(artifact.id);
  if (!timing && process.env.BENCH_UPLOAD_BREAKDOWN !== "0") throw new Error("The SDK reported no timings.");
  return { seconds, timing: timing as UploadTiming };
};

const ms = (value: number) => value.toFixed(0);

/**
 * Where the time of the SDK's upload goes, median of `rounds` uploads of `file` each way (the
 * SHA-256 computed while uploading, and known up front). Wall-clock phases first (open, parts,
 * complete), then what the parts phase is made of: hashing (busy time, off the sending thread),
 * how long sending waited on hashing and on URLs, sign requests, and the part PUTs.
 */
export const benchUploadBreakdown = async (options: {
  client: ArtifactStoreClient;
  file: string;
  knownSha256: string;
  rounds?: number;
}): Promise<void> => {
  const rounds = options.rounds ?? ROUNDS;
  const runs: Record<"computed" | "known", UploadTiming[]> = { computed: [], known: [] };
  for (let round = 0; round < rounds; round += 1) {
    runs.computed.push((await timedUpload(options.client, options.file)).timing);
    runs.known.push((await timedUpload(options.client, options.file, options.knownSha256)).timing);
  }
  const med = (key: keyof UploadTiming, which: UploadTiming[]) => median(which.map((t) => t[key]));
  const row = (label: string, key: keyof UploadTiming, note: string) => [
    label,
    ms(med(key, runs.computed)),
    ms(med(key, runs.known)),
    note,
  ];
  printTable(
    `Where the SDK's upload time goes, ms (median of ${rounds}; ${FILE_SIZE / MiB} MiB, parts of ${PART_SIZE / MiB} MiB, ${CONCURRENCY} in flight)`,
    ["phase", "SHA-256 while uploading", "SHA-256 known", "what it is"],
    [
      row("total", "totalMs", "wall clock, open to complete answered"),
      row("open (POST /v1/uploads)", "openMs", "wall clock"),
      row("parts", "partsMs", "wall clock, first part read to last part stored"),
      row("complete (POST .../complete)", "completeMs", "wall clock"),
      row("read", "readMs", "busy time reading the source, summed over parts"),
      row("hash", "hashMs", "busy time of the hashing thread (MD5, part and whole SHA-256)"),
      row("sign", "signMs", "URL requests, summed (they overlap the sends)"),
      row("send", "sendMs", "part PUTs, summed over the parts in flight"),
      row("waited on hashing", "waitedOnHashMs", "senders idle for want of a hashed part"),
      row("waited on URLs", "waitedOnSignMs", "senders idle for want of a signed URL"),
      row("sign requests", "signRequests", "count"),
    ],
  );
};

/** Section 1 of scripts/bench.ts, with the spread of the rounds, then the breakdown. */
export const benchUpload = async (): Promise<void> => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  process.env.LOG_LEVEL ??= "silent";
  const workDir = await mkdtemp(join(tmpdir(), "artifact-bench-upload-"));
  const storage = await ensureLocalStorage(process.env, resolve(".data/bench"), (line) => say(`s3: ${line}`));
  const api = await startLocalApi(
    {
      ...process.env,
      ...storage.env,
      S3_BUCKET: `bench-upload-${randomUUID().slice(0, 8)}`,
      AUTH_JWT_SECRET: randomBytes(32).toString("hex"),
      CATALOG_DATA_DIR: "memory://",
      UPLOAD_PART_SIZE_BYTES: String(PART_SIZE),
    },
    0,
  );
  try {
    const token = await signToken(api.config.auth, { sub: "bench" });
    const client = new ArtifactStoreClient({ baseUrl: api.url, token });
    const file = join(workDir, "payload.bin");
    await writeRandomFile(file, FILE_SIZE);
    const knownSha256 = await sha256OfFile(file);
    say(
      `uploading ${FILE_SIZE / MiB} MiB, ${ROUNDS} rounds each, parts of ${PART_SIZE / MiB} MiB, ${CONCURRENCY} in flight`,
    );
    const sdk: number[] = [];
    const ours: number[] = [];
    const oursKnown: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      sdk.push(
        await timed(() =>
          uploadWithSdk(api.config.storage, file, `bench/${randomUUID()}`, {
            partSize: PART_SIZE,
            concurrency: CONCURRENCY,
          }),
        ),
      );
      ours.push((await timedUpload(client, file)).seconds);
      oursKnown.push((await timedUpload(client, file, knownSha256)).seconds);
    }
    const mibps = (seconds: number) => (FILE_SIZE / MiB / seconds).toFixed(1);
    printTable(
      `Upload of ${FILE_SIZE / MiB} MiB (median of ${ROUNDS}, spread of the rounds in seconds)`,
      ["path", "seconds", "spread", "MiB/s", "ratio vs SDK"],
      [
        [
          "AWS SDK multipart, storage credentials (baseline)",
          median(sdk).toFixed(2),
          spread(sdk),
          mibps(median(sdk)),
          "1.00",
        ],
        [
          "artifact store: SHA-256 + presigned multipart + complete",
          median(ours).toFixed(2),
          spread(ours),
          mibps(median(ours)),
          (median(sdk) / median(ours)).toFixed(2),
        ],
        [
          "artifact store, SHA-256 already known",
          median(oursKnown).toFixed(2),
          spread(oursKnown),
          mibps(median(oursKnown)),
          (median(sdk) / median(oursKnown)).toFixed(2),
        ],
      ],
    );
    if (process.env.BENCH_UPLOAD_BREAKDOWN !== "0") await benchUploadBreakdown({ client, file, knownSha256 });
  } finally {
    await api.close();
    await storage.stop();
    await rm(workDir, { recursive: true, force: true });
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  benchUpload().catch((error: unknown) => {
    console.error(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  });
}
