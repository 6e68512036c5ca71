// Scrapy into the store (issue 18): files per second a real Scrapy crawl (Debian's python3-scrapy)
// stores through the adapter's files pipeline, against Scrapy's own filesystem FILES_STORE, the
// baseline, over the same loopback site in the same run, the two alternating round by round. A
// second crawl into the store, where every file is up to date, shows what stat_file's catalogue
// look-up costs. Rates are from Scrapy's own elapsed time (its start-up, ~1 s, is not counted).
// `npx tsx scripts/bench-scrapy.ts` runs it alone. Prints a table; asserts nothing.
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient } from "@artifact-store/client";
import type { LocalApi } from "@artifact-store/local";
import { createS3Client } from "@artifact-store/storage";
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import pMap from "p-map";
import { ensureScrapy, scrapyVersion } from "../packages/local/src/scrapy";
import { type CrawlRun, type CrawlSiteShape, crawlSite, serveCrawlSite } from "../test/support/scrapy";
import { median, runAlone, say, withBenchStack, withScratchDir } from "./bench-stack";
import { printTable } from "./bench-table";

const MiB = 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_SCRAPY_ROUNDS ?? 3);
const SHAPES: { label: string; shape: CrawlSiteShape }[] = [
  // Scraped documents and images: 400 files of 64 KiB (and the logo every page links).
  { label: "401 files of 64 KiB", shape: { pages: 20, filesPerPage: 20, fileSize: 64 * 1024 } },
  // Large downloads, each over the single-PUT threshold: presigned parts.
  { label: "9 files of 24 MiB", shape: { pages: 9, filesPerPage: 1, fileSize: 24 * MiB } },
];

/** Scrapy's default REACTOR_THREADPOOL_MAXSIZE: the uploads the pipeline has in flight at most. */
const STORE_THREADS = 10;

export const benchScrapy = async (): Promise<void> => {
  const python = await ensureScrapy((line) => say(`scrapy: ${line}`));
  const rows = await withScratchDir("artifact-bench-scrapy-", (workDir) =>
    // Many small uploads from one address: the signing limit is not what is measured here.
    withBenchStack("scrapy", { RATE_LIMIT_SIGNING_PER_MINUTE: "1000000" }, (api) =>
      crawlEachShape(api, python, workDir),
    ),
  );
  printTable(
    `Scrapy ${await scrapyVersion()} files pipeline, one crawl per row (median of ${ROUNDS}; Scrapy's defaults: 16 requests, ${STORE_THREADS} store threads)`,
    ["store", "files", "crawl s", "files/s", "MiB/s", "ratio vs filesystem"],
    rows,
  );
};

/** Each shape crawled ROUNDS times each way; the table's rows. */
const crawlEachShape = async (api: LocalApi, python: string, workDir: string) => {
  const store = api.url.replace(/^http:/, "artifact:");
  const s3 = createS3Client(api.config.storage);
  const rows: (string | number)[][] = [];
  try {
    for (const { label, shape } of SHAPES) {
      const site = await serveCrawlSite(shape);
      const files = site.files.size;
      const bytes = [...site.files.values()].reduce((sum, file) => sum + file.bytes.length, 0);
      const timings = {
        filesystem: [] as number[],
        store: [] as number[],
        upToDate: [] as number[],
        sdk: [] as number[],
      };
      try {
        say(`${label}: ${ROUNDS} rounds, Scrapy's filesystem store and the artifact store in turn`);
        for (let round = 0; round < ROUNDS; round += 1) {
          const folder = join(workDir, `fs-${randomUUID().slice(0, 8)}`);
          timings.filesystem.push(elapsed(await crawlSite(python, site, pipeline(folder), workDir), files));
          await rm(folder, { recursive: true, force: true });
          // A crawler of its own each round, so nothing is up to date or deduplicated from before.
          const token = await signToken(api.config.auth, { sub: `scrapy-${randomUUID().slice(0, 8)}` });
          const settings = { ...pipeline(`${store}/bench`), ARTIFACT_STORE_TOKEN: token };
          timings.store.push(elapsed(await crawlSite(python, site, settings, workDir), files));
          timings.upToDate.push(elapsed(await crawlSite(python, site, settings, workDir), files, "uptodate"));
          // The same files through the store's own SDK, as many at once as Scrapy's store threads:
          // what the store itself takes on this machine, without Scrapy.
          const sdk = new ArtifactStoreClient({
            baseUrl: api.url,
            token: await signToken(api.config.auth, { sub: `sdk-${randomUUID().slice(0, 8)}` }),
          });
          const started = performance.now();
          await pMap(
            site.files.values(),
            (file) =>
              sdk.upload(file.bytes, {
                filename: file.path.slice(1),
                contentType: file.contentType,
                sha256: file.sha256,
              }),
            { concurrency: STORE_THREADS },
          );
          timings.sdk.push((performance.now() - started) / 1000);
          // Each round stores a GiB or so: the storage it ran on (often shared) gets it back.
          await emptyBucket(s3, api.config.storage.bucket);
        }
      } finally {
        await site.close();
      }
      const baseline = median(timings.filesystem);
      const row = (name: string, seconds: number) => [
        name,
        label,
        seconds.toFixed(2),
        (files / seconds).toFixed(1),
        (bytes / MiB / seconds).toFixed(1),
        (baseline / seconds).toFixed(2),
      ];
      rows.push(
        row("Scrapy FSFilesStore, local disk (baseline)", baseline),
        row("artifact store: ArtifactFilesPipeline", median(timings.store)),
        row("artifact store, second crawl: all up to date", median(timings.upToDate)),
        row(`the store's SDK alone, ${STORE_THREADS} uploads at once (no Scrapy)`, median(timings.sdk)),
      );
    }
  } finally {
    await emptyBucket(s3, api.config.storage.bucket).catch(() => {});
    s3.destroy();
  }
  return rows;
};

const pipeline = (filesStore: string) => ({
  ITEM_PIPELINES: { "artifact_store_scrapy.ArtifactFilesPipeline": 1 },
  FILES_STORE: filesStore,
});

const emptyBucket = async (s3: S3Client, bucket: string) => {
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
    const keys = (listed.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
    if (keys.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
};

/** Scrapy's elapsed seconds for the crawl, after checking every file went the expected way. */
const elapsed = (run: CrawlRun, files: number, status: "downloaded" | "uptodate" = "downloaded"): number => {
  const done = run.stats[`file_status_count/${status}`] ?? 0;
  if (run.code !== 0 || done !== files) {
    throw new Error(
      `the crawl stored ${done} of ${files} files (${status}), exit ${run.code}:\n${run.stderr.slice(-3000)}`,
    );
  }
  const seconds = run.stats.elapsed_time_seconds;
  if (seconds === undefined)
    throw new Error(`no elapsed_time_seconds in Scrapy's stats:\n${run.stderr.slice(-2000)}`);
  return seconds;
};

runAlone(import.meta.url, benchScrapy);
