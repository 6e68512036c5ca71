// The Scrapy adapter (integrations/scrapy) with real Scrapy (Debian's python3-scrapy) against the
// real stack: a spider crawls a site on loopback through the files pipeline and a JSON Lines feed.
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import type { ArtifactView, SearchPage } from "@artifact-store/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureScrapy } from "../packages/local/src/scrapy";
import { type CrawlSite, crawlSite, runPython, SCRAPY_INTEGRATION, serveCrawlSite } from "./support/scrapy";
import { MiB, sha256OfResponse, startTestStack, type TestStack } from "./support/stack";

const STORE_PATH = "crawls/site";

let stack: TestStack;
let site: CrawlSite;
let python: string;
let workDir: string;
beforeAll(async () => {
  python = await ensureScrapy(() => {});
  [stack, site, workDir] = await Promise.all([
    startTestStack(),
    // 20 MiB: over the single-PUT threshold, so it goes up in presigned parts.
    serveCrawlSite({ pages: 3, filesPerPage: 2, fileSize: 64 * 1024, largeFileSize: 20 * MiB }),
    mkdtemp(join(tmpdir(), "scrapy-test-")),
  ]);
});
afterAll(async () => {
  await Promise.all([
    stack?.close(),
    site?.close(),
    workDir && rm(workDir, { recursive: true, force: true }),
  ]);
});

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

/** A crawl of the site with the adapter's pipeline and feed pointed at the stack. */
const crawl = (token: string, jobId: string) => {
  const store = stack.url.replace(/^http:/, "artifact:");
  return crawlSite(
    python,
    site,
    {
      ITEM_PIPELINES: { "artifact_store_scrapy.ArtifactFilesPipeline": 1 },
      FILES_STORE: `${store}/${STORE_PATH}`,
      FEED_STORAGES: { artifact: "artifact_store_scrapy.ArtifactFeedStorage" },
      FEEDS: { [`${store}/feeds/%(name)s-${jobId}.jsonl`]: { format: "jsonlines" } },
      ARTIFACT_STORE_TOKEN: token,
      ARTIFACT_STORE_JOB_ID: jobId,
      ARTIFACT_STORE_TAGS: "site:loopback",
    },
    workDir,
  );
};

const search = async (token: string, query: Record<string, string>): Promise<ArtifactView[]> => {
  const response = await stack.api(`/v1/artifacts?${new URLSearchParams({ limit: "500", ...query })}`, {
    token,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as SearchPage).artifacts;
};

const downloadSha256 = async (token: string, id: string) => {
  const link = await stack.api(`/v1/artifacts/${id}/download?redirect=false`, { token });
  expect(link.status).toBe(200);
  return sha256OfResponse(await fetch(((await link.json()) as { url: string }).url));
};

const feedItems = async (token: string, jobId: string) => {
  const [feed, ...others] = await search(token, { tags: "scrapy:feed", jobId });
  expect(others).toEqual([]);
  if (!feed) throw new Error(`no feed artifact for ${jobId}`);
  const link = await stack.api(`/v1/artifacts/${feed.id}/download?redirect=false`, { token });
  const text = await (await fetch(((await link.json()) as { url: string }).url)).text();
  const items = text
    .trim()
    .split("\n")
    .map(
      (line) =>
        JSON.parse(line) as { url: string; files: { url: string; checksum: string; status: string }[] },
    );
  return { feed, items };
};

it("the adapter's Python unit tests pass", async () => {
  const tests = join(SCRAPY_INTEGRATION, "tests");
  const result = await runPython(
    python,
    ["-m", "unittest", "discover", "-s", tests, "-t", SCRAPY_INTEGRATION],
    workDir,
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toMatch(/\nOK/);
});

it("a Scrapy crawl stores every file and its JSON Lines feed as artifacts with provenance, and a second crawl skips unchanged files", async () => {
  const token = await stack.tokenFor("scrapy-crawler");
  const first = await crawl(token, "crawl-1");
  expect(first.code, first.stderr).toBe(0);
  expect(first.stats["file_status_count/downloaded"]).toBe(site.files.size);

  const stored = await search(token, {
    tags: "scrapy,spider:loopback-site,site:loopback",
    tagsNone: "scrapy:feed",
  });
  expect(stored).toHaveLength(site.files.size);
  const crawlRun = stored[0]?.provenance?.runId;
  expect(crawlRun).toMatch(/^scrapy-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
  for (const file of site.files.values()) {
    const url = new URL(file.path, site.url).toString();
    const artifact = stored.find((candidate) => candidate.provenance?.sourceUrl === url);
    if (!artifact) throw new Error(`no artifact for ${url}`);
    // The pipeline names a file full/<sha1 of its URL><ext>; the store keys it under the URI's path.
    const key = `${STORE_PATH}/full/${sha1(url)}${extname(file.path)}`;
    expect(artifact).toMatchObject({
      sha256: file.sha256,
      size: file.bytes.length,
      contentType: file.contentType,
      state: "verified",
      filename: `${sha1(url)}${extname(file.path)}`,
      metadata: { scrapy: { path: key, spider: "loopback-site", md5: md5(file.bytes) } },
      provenance: {
        sourceUrl: url,
        httpStatus: 200,
        jobId: "crawl-1",
        runId: crawlRun,
        userAgent: expect.stringContaining("Scrapy"),
        headers: { "content-type": file.contentType, "content-length": String(file.bytes.length) },
      },
    });
    expect(artifact.tags).toEqual(
      expect.arrayContaining(["scrapy", "spider:loopback-site", "site:loopback", `scrapy:file:${sha1(key)}`]),
    );
    expect(Date.parse(artifact.provenance?.fetchedAt ?? "")).toBeGreaterThan(Date.now() - 10 * 60_000);
  }
  const large = stored.find((artifact) => artifact.provenance?.sourceUrl?.endsWith("/files/archive.pdf"));
  expect(large?.size).toBe(20 * MiB);
  for (const artifact of [large, stored.find((candidate) => candidate.size < MiB)]) {
    if (!artifact) throw new Error("missing artifact");
    expect(await downloadSha256(token, artifact.id)).toBe(artifact.sha256);
  }

  const firstFeed = await feedItems(token, "crawl-1");
  expect(firstFeed.feed).toMatchObject({
    contentType: "application/jsonl",
    filename: "loopback-site-crawl-1.jsonl",
    state: "verified",
    provenance: { jobId: "crawl-1", runId: crawlRun },
    metadata: { scrapy: { feed: "feeds/loopback-site-crawl-1.jsonl", format: "jsonlines" } },
  });
  expect(firstFeed.feed.tags).toEqual(
    expect.arrayContaining(["scrapy", "scrapy:feed", "spider:loopback-site"]),
  );
  expect(firstFeed.items.map((item) => new URL(item.url).pathname).sort()).toEqual(site.pages);
  for (const item of firstFeed.items) {
    for (const file of item.files) {
      const served = site.files.get(new URL(file.url).pathname);
      expect(served && file.checksum).toBe(served && md5(served.bytes));
      expect(["downloaded", "uptodate"]).toContain(file.status); // the logo is linked from every page
    }
  }

  // Again: stat_file finds each file in the catalogue, so none is fetched or uploaded again.
  const fetchedBefore = new Map(site.hits);
  const second = await crawl(token, "crawl-2");
  expect(second.code, second.stderr).toBe(0);
  expect(second.stats["file_status_count/uptodate"]).toBe(site.files.size);
  expect(second.stats["file_status_count/downloaded"]).toBeUndefined();
  for (const path of site.files.keys()) expect(site.hits.get(path)).toBe(fetchedBefore.get(path));
  const afterSecond = await search(token, {
    tags: "scrapy",
    tagsNone: "scrapy:feed",
    state: "pending,uploaded,verified",
  });
  expect(afterSecond.map((artifact) => artifact.id).sort()).toEqual(
    stored.map((artifact) => artifact.id).sort(),
  );
  const secondFeed = await feedItems(token, "crawl-2");
  expect(secondFeed.feed.id).not.toBe(firstFeed.feed.id);
  for (const item of secondFeed.items) {
    for (const file of item.files) {
      expect(file.status).toBe("uptodate");
      const served = site.files.get(new URL(file.url).pathname);
      expect(served && file.checksum).toBe(served && md5(served.bytes));
    }
  }
});
