// Crawlee through the store, as a crawler's author uses it: a real CheerioCrawler crawls a small
// site on loopback with `new Configuration({ storageClient })`, saves every page with
// KeyValueStore.setValue and pushes a dataset item per page; what it stored is then found by
// run, job and host, and read back through Crawlee's own API.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  ArtifactStoreStorageClient,
  SUPERSEDED_TAG,
  storeTag,
  withRequestProvenance,
} from "@artifact-store/crawlee";
import { CheerioCrawler, Configuration, Dataset, KeyValueStore, PlaywrightCrawler } from "crawlee";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crawleeSection } from "../packages/crawlee/scripts/pack";
import { CHROMIUM_PATH } from "../packages/local/src/chromium";
import { MiB, randomBytesOf, sha256, startTestStack, type TestStack } from "./support/stack";
import { type StaticSite, serveOnLoopback } from "./support/static-site";

const PAGES: Record<string, { title: string; links: string[] }> = {
  "/": { title: "Home", links: ["/products", "/about"] },
  "/products": { title: "Products", links: ["/products/1", "/products/2", "/"] },
  "/products/1": { title: "Product one", links: ["/products"] },
  "/products/2": { title: "Product two", links: ["/products", "/about"] },
  "/about": { title: "About us", links: ["/"] },
};

const html = (path: string): string => {
  const page = PAGES[path];
  if (!page) return "";
  const links = page.links.map((link) => `<a href="${link}">${link}</a>`).join("\n");
  return `<!doctype html><html><head><title>${page.title}</title></head><body><h1>${page.title}</h1>\n${links}\n<p>${"lorem ipsum ".repeat(200)}</p></body></html>`;
};

/** A page's key in the key-value store: its path, in the characters Crawlee allows in keys. */
const keyOf = (url: string): string =>
  `page${new URL(url).pathname.replaceAll("/", "-")}`.replace(/-$/, "") || "page";

let stack: TestStack;
let site: StaticSite;
let token: string;
const jobId = `crawl-job-${randomUUID().slice(0, 8)}`;
const runId = `crawl-run-${randomUUID().slice(0, 8)}`;
/** Every request the storage client made, to see that large values went up in parts. */
const requests: { method: string; url: string }[] = [];
const counting: typeof fetch = (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  requests.push({ method: init?.method ?? "GET", url });
  return fetch(input, init);
};

let storageClient: ArtifactStoreStorageClient;
let config: Configuration;
let crawlStarted: Date;
let crawlFinished: Date;

beforeAll(async () => {
  [stack, site] = await Promise.all([
    startTestStack(),
    serveOnLoopback((request: IncomingMessage, response) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      const body = html(path);
      if (!body) return void response.writeHead(404).end();
      response
        .writeHead(200, { "content-type": "text/html; charset=utf-8", "x-site": "crawlee-test" })
        .end(body);
    }),
  ]);
  token = await stack.tokenFor(`crawler-${randomUUID().slice(0, 8)}`);

  // The README's example, with this test's stack, site, run and job.
  storageClient = new ArtifactStoreStorageClient({
    baseUrl: stack.url,
    token,
    runId,
    jobId,
    fetch: counting,
  });
  config = new Configuration({ storageClient });

  const crawler = new CheerioCrawler(
    {
      requestHandler: withRequestProvenance(async ({ request, body, $, enqueueLinks, pushData }) => {
        const store = await KeyValueStore.open(null, { config });
        await store.setValue(keyOf(request.loadedUrl ?? request.url), body, {
          contentType: "text/html; charset=utf-8",
        });
        await pushData({ url: request.url, title: $("title").text() });
        await enqueueLinks();
      }),
    },
    config,
  );
  crawlStarted = new Date();
  await crawler.run([site.url]);
  crawlFinished = new Date();
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([stack?.close(), site?.close()]);
});

describe("a CheerioCrawler storing into the artifact store", () => {
  it("stores every page as an artifact with the request's provenance, found by run, job and host", async () => {
    const host = new URL(site.url).hostname;
    const found = [];
    for await (const artifact of storageClient.sdk.searchAll({
      runId,
      jobId,
      sourceHost: host,
      contentType: "text/html",
    })) {
      found.push(artifact);
    }
    const paths = found.map((artifact) => new URL(artifact.provenance?.sourceUrl ?? "").pathname).sort();
    expect(paths).toEqual(Object.keys(PAGES).sort());
    for (const artifact of found) {
      const provenance = artifact.provenance;
      expect(provenance).toMatchObject({ runId, jobId, httpStatus: 200 });
      expect(provenance?.headers["x-site"]).toBe("crawlee-test");
      const fetchedAt = Date.parse(provenance?.fetchedAt ?? "");
      expect(fetchedAt).toBeGreaterThanOrEqual(crawlStarted.getTime() - 1000);
      expect(fetchedAt).toBeLessThanOrEqual(crawlFinished.getTime() + 1000);
      expect(artifact.tags).toEqual(expect.arrayContaining(["crawlee", storeTag("kv", "default")]));
      expect(artifact.sha256).toBe(sha256(Buffer.from(html(new URL(provenance?.sourceUrl ?? "").pathname))));
    }
  });

  it("reads every page back through Crawlee's KeyValueStore as the bytes served", async () => {
    const store = await KeyValueStore.open(null, { config });
    for (const path of Object.keys(PAGES)) {
      const key = keyOf(new URL(path, site.url).href);
      expect(await store.getValue(key)).toBe(html(path));
      expect(await store.recordExists(key)).toBe(true);
    }
    expect(await store.getValue("no-such-key")).toBeNull();
  });

  it("lists the keys, page by page", async () => {
    const store = await KeyValueStore.open(null, { config });
    const keys: string[] = [];
    await store.forEachKey(async (key) => void keys.push(key));
    const pages = Object.keys(PAGES).map((path) => keyOf(new URL(path, site.url).href));
    // Crawlee's own state (statistics, session pool) is in the default store too.
    expect(keys).toEqual(expect.arrayContaining(pages));
    expect(new Set(keys).size).toBe(keys.length);

    const client = storageClient.keyValueStore("default");
    const paged: string[] = [];
    for (let start: string | undefined, truncated = true; truncated; ) {
      const page = await client.listKeys({ limit: 2, ...(start ? { exclusiveStartKey: start } : {}) });
      expect(page.count).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((item) => item.key));
      truncated = page.isTruncated;
      start = page.nextExclusiveStartKey;
    }
    expect(paged).toEqual(keys);
    const sizes = (await client.listKeys({ prefix: "page-products" })).items;
    expect(sizes.map((item) => item.key).sort()).toEqual([
      "page-products",
      "page-products-1",
      "page-products-2",
    ]);
    expect(sizes.find((item) => item.key === "page-products-1")?.size).toBe(
      Buffer.byteLength(html("/products/1")),
    );
  });

  it("keeps one dataset item per page, read back with offset, limit and desc", async () => {
    const dataset = await Dataset.open(undefined, { config });
    const all = await dataset.getData();
    expect(all.total).toBe(Object.keys(PAGES).length);
    expect(all.items.map((item) => item.title).sort()).toEqual(
      Object.values(PAGES)
        .map((page) => page.title)
        .sort(),
    );
    const middle = await dataset.getData({ offset: 1, limit: 2 });
    expect(middle.items).toEqual(all.items.slice(1, 3));
    const newest = await dataset.getData({ desc: true, limit: 2 });
    expect(newest.items).toEqual(all.items.slice(-2).reverse());
    const info = await dataset.getInfo();
    expect(info?.itemCount).toBe(Object.keys(PAGES).length);

    const batches = await storageClient.sdk.search({ tags: [storeTag("dataset", "default")], runId });
    expect(
      batches.artifacts.every((artifact) => artifact.contentType.startsWith("application/x-ndjson")),
    ).toBe(true);
  });

  it("sends a 20 MiB value in presigned parts and reads the same bytes back", async () => {
    const store = await KeyValueStore.open("screenshots", { config });
    const big = Buffer.from(randomBytesOf(20 * MiB));
    const before = requests.length;
    await store.setValue("big-value", big, { contentType: "application/octet-stream" });
    const partPuts = requests
      .slice(before)
      .filter((r) => r.method === "PUT" && /[?&]partNumber=\d+/.test(r.url));
    expect(partPuts.length).toBeGreaterThanOrEqual(2);
    const back = (await store.getValue("big-value")) as Buffer;
    expect(Buffer.isBuffer(back)).toBe(true);
    expect(sha256(back)).toBe(sha256(big));
  });

  it("answers getPublicUrl with a download link that serves the record", async () => {
    const store = await KeyValueStore.open(null, { config });
    const key = keyOf(new URL("/about", site.url).href);
    await store.recordExists(key);
    const url = store.getPublicUrl(key);
    expect(url.startsWith(`${stack.url}/v1/artifacts/`)).toBe(true);
    const withToken = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toBe(html("/about"));
    // Private records are not served to strangers.
    expect((await fetch(url, { redirect: "manual" })).status).toBe(404);
  });

  it("serves a key's newest value and keeps the earlier one as superseded", async () => {
    const store = await KeyValueStore.open("state", { config });
    await store.setValue("progress", { done: 1 });
    await store.setValue("progress", { done: 2 });
    expect(await store.getValue("progress")).toEqual({ done: 2 });
    const superseded = await storageClient.sdk.search({ tags: [storeTag("kv", "state"), SUPERSEDED_TAG] });
    expect(superseded.artifacts).toHaveLength(1);
    await store.setValue("progress", null);
    expect(await store.getValue("progress")).toBeNull();
  });
});

describe("a PlaywrightCrawler in Debian's Chromium", () => {
  it("stores a screenshot of every page with the page's provenance", async () => {
    const browserRunId = `browser-run-${randomUUID().slice(0, 8)}`;
    const browserStorage = new ArtifactStoreStorageClient({
      baseUrl: stack.url,
      token,
      runId: browserRunId,
      jobId,
    });
    const browserConfig = new Configuration({ storageClient: browserStorage });
    const crawler = new PlaywrightCrawler(
      {
        // Playwright's own browsers are not downloadable here: Debian's Chromium, through playwright-core.
        launchContext: {
          launcher: chromium,
          launchOptions: {
            executablePath: CHROMIUM_PATH,
            args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
          },
        },
        headless: true,
        maxConcurrency: 2,
        requestHandler: withRequestProvenance(async ({ page, request, enqueueLinks }) => {
          const store = await KeyValueStore.open("screenshots", { config: browserConfig });
          const shot = await page.screenshot();
          await store.setValue(`shot-${keyOf(request.loadedUrl ?? request.url)}`, shot, {
            contentType: "image/png",
          });
          await enqueueLinks();
        }),
      },
      browserConfig,
    );
    await crawler.run([site.url]);

    const shots = [];
    for await (const artifact of browserStorage.sdk.searchAll({
      runId: browserRunId,
      sourceHost: new URL(site.url).hostname,
      contentType: "image/png",
    })) {
      shots.push(artifact);
    }
    expect(shots.map((shot) => new URL(shot.provenance?.sourceUrl ?? "").pathname).sort()).toEqual(
      Object.keys(PAGES).sort(),
    );
    for (const shot of shots) {
      expect(shot.provenance).toMatchObject({ runId: browserRunId, jobId, httpStatus: 200 });
      expect(shot.tags).toContain(storeTag("kv", "screenshots"));
    }
    const store = await KeyValueStore.open("screenshots", { config: browserConfig });
    const png = (await store.getValue(`shot-${keyOf(site.url)}`)) as Buffer;
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  });
});

describe("the README's Crawlee example", () => {
  it("crawls the site into the store as it stands", async () => {
    const repo = fileURLToPath(new URL("..", import.meta.url));
    const block = /```ts\n([\s\S]*?)```/.exec(
      crawleeSection(await readFile(join(repo, "README.md"), "utf8")),
    )?.[1];
    expect(block).toBeDefined();
    // Inside the repository's node_modules, so the example's imports resolve as in a project.
    const folder = join(repo, "node_modules", ".cache", `crawlee-readme-${randomUUID().slice(0, 8)}`);
    await mkdir(folder, { recursive: true });
    const script = join(folder, "crawl.mts");
    await writeFile(script, block ?? "");
    try {
      const exampleToken = await stack.tokenFor(`readme-${randomUUID().slice(0, 8)}`);
      const { stdout } = await promisify(execFile)(join(repo, "node_modules", ".bin", "tsx"), [script], {
        cwd: folder,
        env: {
          ...process.env,
          API: stack.url,
          TOKEN: exampleToken,
          START_URL: site.url,
          CRAWLEE_STORAGE_DIR: folder,
        },
        timeout: 120_000,
      });
      expect(stdout).toMatch(new RegExp(`${Object.keys(PAGES).length} pages stored in run `));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
