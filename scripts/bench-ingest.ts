// Small-file ingest (issue 16): 16 KiB uploads per second at 1, 8 and 32 at once, through raw
// PutObject with storage credentials (the baseline), the one-by-one path (create, PUT, complete:
// by hand, and through the SDK's upload()) and the batch path (SDK uploadMany: one open and one
// complete call per 100), with the p50 of each step and the uploads lost: every one that failed
// (should be 0; the SDK sends a PUT again after RGW closed its kept-alive connection), and the CPU
// each upload cost the machine (bench-cpu.ts: on a saturated box that bounds the rate), then
// where one upload's time goes. `npx tsx scripts/bench-ingest.ts` runs it alone.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { UploadCreated } from "@artifact-store/api";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient } from "@artifact-store/client";
import type { LocalApi } from "@artifact-store/local";
import { storageOf, uploadsOf, verifierOf } from "@artifact-store/runtime/storage";
import { createS3Client } from "@artifact-store/storage";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { CPU_HEADER, cpuCells, cpuMeter } from "./bench-cpu";
import { Spans } from "./bench-spans";
import { apiPoster, median as p50, runAlone, say, withBenchStack } from "./bench-stack";
import { printTable } from "./bench-table";

const SIZE = 16 * 1024;
const CONCURRENCIES = (process.env.BENCH_INGEST_CONCURRENCY ?? "1,8,32").split(",").map(Number);
/** Uploads per path and concurrency. */
const COUNT = Number(process.env.BENCH_INGEST_COUNT ?? 200);
/** Uploads timed span by span, one at a time, after the table. */
const BREAKDOWN_COUNT = Number(process.env.BENCH_INGEST_BREAKDOWN_COUNT ?? 50);

const inParallel = async (count: number, concurrency: number, work: (n: number) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < count; n = next++) await work(n);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

const timedInto = async <T>(into: number[], work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    into.push(performance.now() - started);
  }
};

/** A PUT sent again after a reset (RGW closes kept-alive connections), as the SDK does. */
const putWithRetry = async (url: string, headers: Record<string, string>, body: Uint8Array<ArrayBuffer>) => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(url, { method: "PUT", headers, body });
      await response.body?.cancel();
      if (response.ok) return;
      if (response.status < 500 || attempt >= 5) throw new Error(`PUT answered ${response.status}`);
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
};

/**
 * The catalogue the API runs on: PostgreSQL as deployed (a database of this run's own, dropped at
 * the end), or with BENCH_INGEST_CATALOG=pglite the embedded one, in memory in this process.
 */
const catalogChoice = (): "postgres" | "pglite" => {
  const chosen = process.env.BENCH_INGEST_CATALOG ?? "postgres";
  if (chosen !== "postgres" && chosen !== "pglite")
    throw new Error(`BENCH_INGEST_CATALOG is postgres (the default) or pglite, not "${chosen}"`);
  return chosen;
};

export const benchIngest = async (): Promise<void> => {
  const catalog = catalogChoice();
  const label = catalog === "postgres" ? "PostgreSQL" : "PGlite (in this process)";
  await withBenchStack(
    "ingest",
    { RATE_LIMIT_SIGNING_PER_MINUTE: "1000000" },
    (api) => measure(api, label),
    catalog === "postgres" ? { catalog: "postgres" } : {},
  );
};

/** The table and the breakdown, against the stack `api` serves. */
const measure = async (api: LocalApi, catalogLabel: string): Promise<void> => {
  const s3 = createS3Client(api.config.storage);
  try {
    const token = await signToken(api.config.auth, { sub: "bench-ingest" });
    const client = new ArtifactStoreClient({ baseUrl: api.url, token });
    const call = apiPoster(api.url, token);
    type Step = <T>(work: () => Promise<T>) => Promise<T>;
    const uploadOneByOne = async (
      bytes: Uint8Array<ArrayBuffer>,
      filename: string,
      steps: Record<"create" | "put" | "complete", Step>,
    ) => {
      const created = await steps.create(() =>
        call<UploadCreated>("/v1/uploads", {
          filename,
          contentType: "text/html",
          size: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
          md5: createHash("md5").update(bytes).digest("base64"),
          dedupe: false,
        }),
      );
      const part = created.parts[0];
      if (!part) throw new Error("no PUT URL");
      await steps.put(() => putWithRetry(part.url, part.headers, bytes));
      await steps.complete(() => call(`/v1/uploads/${created.uploadId}/complete`, {}));
    };
    const rows: string[][] = [];
    say(`${COUNT} uploads of ${SIZE / 1024} KiB per path and concurrency`);
    for (const concurrency of CONCURRENCIES) {
      const payloads = Array.from({ length: COUNT }, () => new Uint8Array(randomBytes(SIZE)));

      const rawStarted = performance.now();
      const rawCpu = cpuMeter();
      let rawLost = 0;
      const rawPut: number[] = [];
      await inParallel(COUNT, concurrency, (n) =>
        timedInto(rawPut, () =>
          s3.send(
            new PutObjectCommand({
              Bucket: api.config.storage.bucket,
              Key: `bench/${randomUUID()}`,
              Body: payloads[n],
            }),
          ),
        ).then(
          () => {},
          () => {
            rawLost += 1;
          },
        ),
      );
      const rawRate = COUNT / ((performance.now() - rawStarted) / 1000);
      const rawCost = rawCpu.perItem(COUNT);

      const create: number[] = [];
      const put: number[] = [];
      const complete: number[] = [];
      const whole: number[] = [];
      let oneLost = 0;
      const oneStarted = performance.now();
      const oneCpu = cpuMeter();
      await inParallel(COUNT, concurrency, async (n) => {
        const oneStartedAt = performance.now();
        try {
          await uploadOneByOne(payloads[n] as Uint8Array<ArrayBuffer>, `page-${n}.html`, {
            create: (work) => timedInto(create, work),
            put: (work) => timedInto(put, work),
            complete: (work) => timedInto(complete, work),
          });
          whole.push(performance.now() - oneStartedAt);
        } catch {
          oneLost += 1;
        }
      });
      const oneRate = COUNT / ((performance.now() - oneStarted) / 1000);
      const oneCost = oneCpu.perItem(COUNT);

      let sdkLost = 0;
      const sdkUpload: number[] = [];
      const sdkStarted = performance.now();
      const sdkCpu = cpuMeter();
      await inParallel(COUNT, concurrency, (n) =>
        timedInto(sdkUpload, () =>
          client.upload(payloads[n] as Uint8Array, { filename: `sdk-${n}.html`, dedupe: false }),
        ).then(
          () => {},
          () => {
            sdkLost += 1;
          },
        ),
      );
      const sdkRate = COUNT / ((performance.now() - sdkStarted) / 1000);
      const sdkCost = sdkCpu.perItem(COUNT);

      let batchLost = 0;
      const batchStarted = performance.now();
      const batchCpu = cpuMeter();
      const results = await client.uploadMany(
        payloads.map((bytes, n) => ({
          source: bytes,
          options: { filename: `batch-${n}.html`, dedupe: false },
        })),
        { concurrency },
      );
      const failures = results.flatMap((result) => (result.ok ? [] : [result.error]));
      batchLost = failures.length;
      if (failures[0])
        say(`uploadMany at ${concurrency}: ${batchLost} failed, the first: ${String(failures[0])}`);
      const batchRate = COUNT / ((performance.now() - batchStarted) / 1000);
      const batchCost = batchCpu.perItem(COUNT);

      rows.push(
        [
          `raw PutObject, storage credentials (baseline)`,
          String(concurrency),
          rawRate.toFixed(0),
          "1.00",
          "-",
          p50(rawPut).toFixed(1),
          "-",
          p50(rawPut).toFixed(1),
          String(rawLost),
          ...cpuCells(rawCost),
        ],
        [
          "one by one: create, PUT, complete",
          String(concurrency),
          oneRate.toFixed(0),
          (oneRate / rawRate).toFixed(2),
          p50(create).toFixed(1),
          p50(put).toFixed(1),
          p50(complete).toFixed(1),
          p50(whole).toFixed(1),
          String(oneLost),
          ...cpuCells(oneCost),
        ],
        [
          "one by one: SDK upload()",
          String(concurrency),
          sdkRate.toFixed(0),
          (sdkRate / rawRate).toFixed(2),
          "-",
          "-",
          "-",
          p50(sdkUpload).toFixed(1),
          String(sdkLost),
          ...cpuCells(sdkCost),
        ],
        [
          "batch: uploadMany (100 per open/complete call)",
          String(concurrency),
          batchRate.toFixed(0),
          (batchRate / rawRate).toFixed(2),
          "-",
          "-",
          "-",
          "-",
          String(batchLost),
          ...cpuCells(batchCost),
        ],
      );
    }
    printTable(
      `Small-file ingest: ${SIZE / 1024} KiB uploads, ${COUNT} per row, catalogue on ${catalogLabel}`,
      [
        "path",
        "at once",
        "uploads/s",
        "vs raw",
        "create p50 ms",
        "PUT p50 ms",
        "complete p50 ms",
        "upload p50 ms",
        "lost",
        ...CPU_HEADER,
      ],
      rows,
    );

    // Where the time of one upload goes, one at a time so no request's spans overlap another's.
    if (BREAKDOWN_COUNT > 0) {
      const spans = new Spans();
      const { runtime } = api;
      spans.instrument("storage", storageOf(runtime));
      spans.instrument("catalog", runtime.catalog);
      spans.instrument("db", runtime.catalog.db, ["query", "transaction"]);
      spans.instrument("partChecksums", runtime.partChecksums);
      spans.instrument("rateLimits", runtime.rateLimits);
      spans.instrument("audit", runtime.audit, ["append"]);
      spans.instrument("runtime", runtime, ["authenticate", "ready"]);
      spans.instrument("uploads", uploadsOf(runtime), ["create", "complete"]);
      spans.instrument("verifier", verifierOf(runtime), ["afterUpload", "verify"]);
      for (let n = 0; n < BREAKDOWN_COUNT; n += 1) {
        const bytes = new Uint8Array(randomBytes(SIZE));
        await uploadOneByOne(bytes, `spans-${n}.html`, {
          create: (work) => spans.step("create", work),
          put: (work) => spans.step("PUT", work),
          complete: (work) => spans.step("complete", work),
        });
      }
      printTable(
        `Where one ${SIZE / 1024} KiB upload's time goes (mean of ${BREAKDOWN_COUNT}, one at a time)`,
        Spans.HEADER,
        spans.rows(),
      );
    }
  } finally {
    s3.destroy();
  }
};

runAlone(import.meta.url, benchIngest);
