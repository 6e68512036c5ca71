// Time to downloadable (issue 16): how long after complete answers an upload too large to verify
// inline can be downloaded, now that complete hands it to a verifier at once, beside the bare
// read-back of the same bytes just completed (GetObject with storage credentials, hashed), which is
// the floor: the target is read-back + 1 s. "verdict" is when the verifier had read and hashed
// them, on the server's clock; two more clocks start when complete answers: the download route
// polled every 50 ms, and the SDK's `waitUntilVerified` (what an uploader sees).
// `npx tsx scripts/bench-verify-now.ts` runs it alone (BENCH_VERIFY_NOW_MIB=8,100 for some sizes).
// Prints a table; asserts nothing.
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient } from "@artifact-store/client";
import { verifierOf } from "@artifact-store/runtime/storage";
import { createS3Client } from "@artifact-store/storage";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { runAlone, say, sha256OfFile, withBenchStack, withScratchDir } from "./bench-stack";
import { printTable } from "./bench-table";
import { writeRandomFile } from "./random-file";

const MiB = 1024 * 1024;
/** Below every size measured, so each goes through the hand-off (the default is 8 MiB). */
const INLINE_MAX = 1 * MiB;
/** Rounds per size, fewer for the large ones; BENCH_VERIFY_NOW_MIB=1024 runs one size alone. */
const ROUNDS: Record<number, number> = { 8: 10, 100: 5, 1024: 3 };
const SIZES = (process.env.BENCH_VERIFY_NOW_MIB ?? "8,100,1024")
  .split(",")
  .map(Number)
  .map((mib) => ({ bytes: mib * MiB, rounds: ROUNDS[mib] ?? 3 }));
/** A verification that has not landed by then failed; without a schedule here it would never land. */
const STALLED_S = 120;
/**
 * RGW frees a deleted object's data in the background (its GC runs every 10 s on the shared test
 * server): each round waits that out, so no read is timed while another round's bytes are freed.
 */
const gcPauseMs = (bytes: number): number => (bytes >= 512 * MiB ? 25_000 : bytes >= 64 * MiB ? 12_000 : 0);

/** Nearest-rank percentile, in seconds. */
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const SETTINGS = { VERIFY_INLINE_MAX_BYTES: String(INLINE_MAX), VERIFY_AT_ONCE: "true" };

export const benchDownloadable = (): Promise<void> =>
  withScratchDir("artifact-bench-verify-now-", (workDir) =>
    withBenchStack("verify-now", SETTINGS, async (api) => {
      const s3 = createS3Client(api.config.storage);
      try {
        const token = await signToken(api.config.auth, { sub: "bench-verify-now" });
        const client = new ArtifactStoreClient({ baseUrl: api.url, token });

        /** Seconds from now until the download route stops answering "not verified yet". */
        const untilDownloadable = async (id: string): Promise<number> => {
          const started = performance.now();
          for (;;) {
            if (performance.now() - started > STALLED_S * 1000) {
              const record = await api.runtime.catalog.findArtifact(id);
              throw new Error(`not downloadable after ${STALLED_S} s: ${JSON.stringify(record)}`);
            }
            const response = await fetch(`${api.url}/v1/artifacts/${id}/download`, {
              headers: { authorization: `Bearer ${token}` },
              redirect: "manual",
            });
            await response.body?.cancel();
            if (response.status === 302) return (performance.now() - started) / 1000;
            if (response.status !== 409) throw new Error(`download answered ${response.status}`);
            await sleep(50);
          }
        };

        /** Seconds to read the object back with storage credentials and hash it: the floor. */
        const readBack = async (key: string): Promise<number> => {
          const started = performance.now();
          const object = await s3.send(new GetObjectCommand({ Bucket: api.config.storage.bucket, Key: key }));
          const hash = createHash("sha256");
          for await (const chunk of object.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
          hash.digest("hex");
          return (performance.now() - started) / 1000;
        };

        const rows: (string | number)[][] = [];
        for (const { bytes, rounds } of SIZES) {
          const file = join(workDir, `payload-${bytes}.bin`);
          await writeRandomFile(file, bytes);
          const sha256 = await sha256OfFile(file);
          say(`${bytes / MiB} MiB: ${rounds} rounds`);
          const read: number[] = [];
          const verdict: number[] = [];
          const downloadable: number[] = [];
          const sdkWait: number[] = [];
          const settings = verifierOf(api.runtime).settings;
          for (let round = 0; round < rounds; round += 1) {
            // The floor, met as the verifier meets it: an object just completed, read back at once
            // (this one upload not handed off, so nothing else reads it meanwhile).
            settings.handOffAtOnce = false;
            const baseline = await client.upload(file, { filename: "baseline.bin", sha256 });
            settings.handOffAtOnce = true;
            const baselineKey = (await api.runtime.catalog.findArtifact(baseline.id))?.objectKey ?? "";
            read.push(await readBack(baselineKey));
            await client.delete(baseline.id);
            await sleep(gcPauseMs(bytes));

            const artifact = await client.upload(file, { filename: "payload.bin", sha256 });
            if (artifact.state !== "uploaded") throw new Error(`complete answered ${artifact.state}`);
            // Both clocks start as complete answers.
            const sdkStarted = performance.now();
            const [server, sdk] = await Promise.all([
              untilDownloadable(artifact.id),
              client.waitUntilVerified(artifact.id).then(() => (performance.now() - sdkStarted) / 1000),
            ]);
            downloadable.push(server);
            sdkWait.push(sdk);
            // When the verifier had its verdict (read, hashed, sniffed), on the server's clock.
            const stored = await api.runtime.catalog.findArtifact(artifact.id);
            const checkedAt = stored?.integrity?.checkedAt.getTime() ?? Number.NaN;
            verdict.push((checkedAt - (stored?.uploadedAt?.getTime() ?? Number.NaN)) / 1000);
            say(
              `  round ${round + 1}: read-back ${read.at(-1)?.toFixed(2)} s; verdict ${verdict.at(-1)?.toFixed(2)} s, downloadable ${server.toFixed(2)} s, SDK ${sdk.toFixed(2)} s after complete`,
            );
            await client.delete(artifact.id);
            await sleep(gcPauseMs(bytes));
          }
          await rm(file, { force: true });
          const p50 = (values: number[]) => percentile(values, 50).toFixed(2);
          const p95 = (values: number[]) => percentile(values, 95).toFixed(2);
          const slack = percentile(downloadable, 95) - percentile(read, 95);
          rows.push([
            `${bytes / MiB} MiB`,
            rounds,
            p50(read),
            p95(read),
            p50(verdict),
            p50(downloadable),
            p95(downloadable),
            p50(sdkWait),
            p95(sdkWait),
            `${slack >= 0 ? "+" : ""}${slack.toFixed(2)} (${slack <= 1 ? "met" : "missed"})`,
          ]);
        }
        printTable(
          `Complete to downloadable, above VERIFY_INLINE_MAX_BYTES (${INLINE_MAX / MiB} MiB here), seconds`,
          [
            "size",
            "rounds",
            "read-back p50",
            "read-back p95",
            "verdict p50",
            "downloadable p50",
            "downloadable p95",
            "SDK waitUntil p50",
            "SDK waitUntil p95",
            "p95 over read-back (target <= +1 s)",
          ],
          rows,
        );
      } finally {
        s3.destroy();
      }
    }),
  );

runAlone(import.meta.url, benchDownloadable);
