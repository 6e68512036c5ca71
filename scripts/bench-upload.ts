// Upload throughput (issue 16): the presigned multipart path (client.upload) against the AWS
// SDK's own multipart upload with storage credentials, the physical limit here (256 MiB, parts of
// 16 MiB, 4 in flight, the paths alternating round by round), then where the SDK's upload time
// goes: hashing, signing, sending and completing, as the SDK's `onTiming` reports them.
// BENCH_UPLOAD_MIB and BENCH_UPLOAD_ROUNDS scale it; BENCH_UPLOAD_BREAKDOWN=0 leaves the breakdown
// out. `npm run bench` calls benchUpload() first; `npx tsx scripts/bench-upload.ts` runs it alone.
// Prints tables; asserts nothing.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient, type UploadTiming } from "@artifact-store/client";
import { uploadWithSdk } from "@artifact-store/storage/bench";
import { median, runAlone, say, sha256OfFile, timed, withBenchStack, withScratchDir } from "./bench-stack";
import { printTable } from "./bench-table";
import { writeRandomFile } from "./random-file";

const MiB = 1024 * 1024;
const FILE_SIZE = Number(process.env.BENCH_UPLOAD_MIB ?? 256) * MiB;
const PART_SIZE = 16 * MiB;
const CONCURRENCY = 4;
const ROUNDS = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 3);

const spread = (values: number[]) =>
  values.length > 1 ? `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}` : "-";

/** What the SDK reports of one upload's time (onTiming); the artifact is deleted after. */
const uploadTiming = async (client: ArtifactStoreClient, file: string, sha256?: string) => {
  let timing: UploadTiming | undefined;
  const artifact = await client.upload(file, {
    concurrency: CONCURRENCY,
    ...(sha256 ? { sha256 } : {}),
    onTiming: (reported) => {
      timing = reported;
    },
  });
  await client.delete(artifact.id);
  if (!timing) throw new Error("The SDK reported no timings.");
  return timing;
};

const ms = (value: number) => value.toFixed(0);

/**
 * Where the time of the SDK's upload goes, median of `rounds` uploads of `file` each way (the
 * SHA-256 computed while uploading, and known up front). Wall-clock phases first (open, parts,
 * complete), then what the parts phase is made of: hashing (busy time, off the sending thread),
 * how long sending waited on hashing and on URLs, sign requests, and the part PUTs.
 */
const benchUploadBreakdown = async (options: {
  client: ArtifactStoreClient;
  file: string;
  knownSha256: string;
  rounds?: number;
}): Promise<void> => {
  const rounds = options.rounds ?? ROUNDS;
  const runs: Record<"computed" | "known", UploadTiming[]> = { computed: [], known: [] };
  for (let round = 0; round < rounds; round += 1) {
    runs.computed.push(await uploadTiming(options.client, options.file));
    runs.known.push(await uploadTiming(options.client, options.file, options.knownSha256));
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

/**
 * The throughput table (the store's upload timed with the delete that follows it, as it always
 * was), the spread of its rounds, then the breakdown on the same client and file.
 */
export const benchUpload = async (): Promise<void> => {
  await withScratchDir("artifact-bench-", (workDir) =>
    withBenchStack("upload", { UPLOAD_PART_SIZE_BYTES: String(PART_SIZE) }, async (api) => {
      const token = await signToken(api.config.auth, { sub: "bench" });
      const client = new ArtifactStoreClient({ baseUrl: api.url, token });
      const file = join(workDir, "payload.bin");
      await writeRandomFile(file, FILE_SIZE);
      say(
        `uploading ${FILE_SIZE / MiB} MiB, ${ROUNDS} rounds each, parts of ${PART_SIZE / MiB} MiB, ${CONCURRENCY} in flight`,
      );
      const knownSha256 = await sha256OfFile(file);
      const sdk: number[] = [];
      const ours: number[] = [];
      const oursKnownHash: number[] = [];
      const uploadAndDelete = async (sha256?: string) => {
        const artifact = await client.upload(file, {
          concurrency: CONCURRENCY,
          ...(sha256 ? { sha256 } : {}),
        });
        await client.delete(artifact.id);
      };
      for (let round = 0; round < ROUNDS; round += 1) {
        const key = `bench/${randomUUID()}`;
        const options = { partSize: PART_SIZE, concurrency: CONCURRENCY };
        sdk.push((await timed(() => uploadWithSdk(api.config.storage, file, key, options))).seconds);
        ours.push((await timed(() => uploadAndDelete())).seconds);
        oursKnownHash.push((await timed(() => uploadAndDelete(knownSha256))).seconds);
      }
      const mibps = (seconds: number) => FILE_SIZE / MiB / seconds;
      const hashSeconds = (await timed(() => sha256OfFile(file))).seconds;
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
      say(
        `spread of the rounds, seconds: SDK ${spread(sdk)}, store ${spread(ours)}, SHA-256 known ${spread(oursKnownHash)}`,
      );
      if (process.env.BENCH_UPLOAD_BREAKDOWN !== "0")
        await benchUploadBreakdown({ client, file, knownSha256 });
    }),
  );
};

runAlone(import.meta.url, benchUpload);
