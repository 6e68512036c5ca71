// Crawlee through the store (issue 18): pages/s a CheerioCrawler stores (each page's HTML with
// KeyValueStore.setValue, a dataset item per page) through the artifact store's storage client,
// against Crawlee's own storage, on disk and in memory, crawling the same loopback site in the
// same run at the same concurrency, and against the SDK uploading the same pages without a crawler. `npx tsx scripts/bench-crawlee.ts` runs it alone.
// Prints a table; asserts nothing.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient } from "@artifact-store/client";
import { ArtifactStoreStorageClient, withRequestProvenance } from "@artifact-store/crawlee";
import type { LocalApi } from "@artifact-store/local";
import type { StorageClient } from "@crawlee/types";
import { CheerioCrawler, Configuration, KeyValueStore, log, MemoryStorage } from "crawlee";
import pMap from "p-map";
import { serveOnLoopback } from "../test/support/static-site";
import { runAlone, say, withBenchStack, withScratchDir } from "./bench-stack";
import { printTable } from "./bench-table";

const PAGES = Number(process.env.BENCH_CRAWLEE_PAGES ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CRAWLEE_CONCURRENCY ?? 8);
/** A scraped page's size, roughly: 16 KiB of HTML. */
const FILLER = "<p>lorem ipsum dolor sit amet, consectetur adipiscing elit</p>\n".repeat(260);

/** Page n links to the next three, so the crawler discovers the site as it goes. */
const pageHtml = (n: number): string => {
  const links = [1, 2, 3]
    .map((step) => n + step)
    .filter((next) => next < PAGES)
    .map((next) => `<a href="/page/${next}">page ${next}</a>`)
    .join("\n");
  return `<!doctype html><html><head><title>Page ${n}</title></head><body>${links}\n${FILLER}</body></html>`;
};

/** Crawls the whole site with this storage; resolves to the seconds from start to the end of `run`. */
const crawl = async (siteUrl: string, storageClient: StorageClient): Promise<number> => {
  const config = new Configuration({ storageClient });
  const crawler = new CheerioCrawler(
    {
      minConcurrency: CONCURRENCY,
      maxConcurrency: CONCURRENCY,
      requestHandler: withRequestProvenance(async ({ request, body, $, enqueueLinks, pushData }) => {
        const store = await KeyValueStore.open(null, { config });
        const key = `page-${new URL(request.url).pathname.split("/").pop() || "0"}`;
        await store.setValue(key, body, { contentType: "text/html; charset=utf-8" });
        await pushData({ url: request.url, title: $("title").text() });
        await enqueueLinks();
      }),
    },
    config,
  );
  const started = performance.now();
  const stats = await crawler.run([`${siteUrl}page/0`]);
  const seconds = (performance.now() - started) / 1000;
  if (stats.requestsFinished !== PAGES) {
    throw new Error(`the crawl stored ${stats.requestsFinished} of ${PAGES} pages: ${JSON.stringify(stats)}`);
  }
  return seconds;
};

export const benchCrawlee = async (): Promise<void> => {
  log.setLevel(log.LEVELS.WARNING);
  await withScratchDir("artifact-bench-crawlee-", (workDir) =>
    // Many small uploads from one address: the signing limit is not what is measured here.
    withBenchStack("crawlee", { RATE_LIMIT_SIGNING_PER_MINUTE: "1000000" }, (api) => crawlEach(api, workDir)),
  );
};

/** The crawls and the SDK's floor, against the stack `api` serves. */
const crawlEach = async (api: LocalApi, workDir: string): Promise<void> => {
  const site = await serveOnLoopback((request, response) => {
    const n = Number(/^\/page\/(\d+)$/.exec(request.url ?? "")?.[1] ?? -1);
    if (!(n >= 0 && n < PAGES)) return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(pageHtml(n));
  });
  try {
    say(`crawling ${PAGES} pages of ~16 KiB, ${CONCURRENCY} at once, with each storage`);
    const token = await signToken(api.config.auth, { sub: `bench-crawlee-${randomUUID().slice(0, 6)}` });
    const onDisk = await crawl(
      site.url,
      new MemoryStorage({ localDataDirectory: join(workDir, "storage"), persistStorage: true }),
    );
    const inMemory = await crawl(site.url, new MemoryStorage({ persistStorage: false }));
    const store = await crawl(
      site.url,
      new ArtifactStoreStorageClient({ baseUrl: api.url, token, jobId: "bench-crawlee" }),
    );
    // The store's own floor: the same pages uploaded with the SDK, no crawler, as many at once.
    const sdk = new ArtifactStoreClient({
      baseUrl: api.url,
      token: await signToken(api.config.auth, { sub: `bench-crawlee-sdk-${randomUUID().slice(0, 6)}` }),
    });
    const sdkStarted = performance.now();
    await pMap(
      Array.from({ length: PAGES }, (_, n) => n),
      (n) =>
        sdk.upload(Buffer.from(pageHtml(n)), {
          filename: `page-${n}`,
          contentType: "text/html; charset=utf-8",
          dedupe: false,
        }),
      { concurrency: CONCURRENCY },
    );
    const sdkOnly = (performance.now() - sdkStarted) / 1000;
    const perSecond = (seconds: number) => PAGES / seconds;
    const row = (what: string, seconds: number) => [
      what,
      seconds.toFixed(2),
      perSecond(seconds).toFixed(1),
      (perSecond(seconds) / perSecond(onDisk)).toFixed(2),
    ];
    printTable(
      `Crawlee CheerioCrawler, ${PAGES} pages (HTML to the key-value store + a dataset item each), ${CONCURRENCY} at once`,
      ["storage", "seconds", "pages/s", "ratio vs filesystem"],
      [
        row("Crawlee MemoryStorage persisted to the filesystem (baseline)", onDisk),
        row("Crawlee MemoryStorage, memory only", inMemory),
        row("artifact store (ArtifactStoreStorageClient)", store),
        row("SDK upload() of the same pages, no crawler (the store's floor)", sdkOnly),
      ],
    );
  } finally {
    await site.close();
  }
};

runAlone(import.meta.url, benchCrawlee);
