import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { type StaticSite, serveOnLoopback } from "./static-site";

/** One downloadable file of the site, with what a store must end up holding. */
export interface SiteFile {
  path: string;
  bytes: Buffer;
  sha256: string;
  contentType: string;
}

export interface CrawlSite extends StaticSite {
  /** Every file the pages link to, by path. */
  files: Map<string, SiteFile>;
  pages: string[];
  /** How many times each path was fetched. */
  hits: Map<string, number>;
}

export interface CrawlSiteShape {
  pages: number;
  /** Files linked from each page (a PDF and a PNG in turn), besides the logo every page links. */
  filesPerPage: number;
  fileSize: number;
  /** One more file of this size, linked from the first page: large enough to go up in parts. */
  largeFileSize?: number;
}

const PDF_HEAD = Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1");
// A PNG signature and an IHDR chunk, so a sniffer reads the bytes as the type they are served as.
const PNG_HEAD = Buffer.from("89504e470d0a1a0a0000000d494844520000001000000010080600000000000000", "hex");

const fileOf = (path: string, head: Buffer, size: number, contentType: string): SiteFile => {
  const bytes = Buffer.concat([head, randomBytes(Math.max(0, size - head.length))]);
  return { path, bytes, sha256: createHash("sha256").update(bytes).digest("hex"), contentType };
};

/**
 * A small site on loopback: an index linking pages, each page linking files (PDF and PNG-like
 * bytes) with `class="file"`, and other pages with `class="page"`; robots.txt is a 404.
 */
export const serveCrawlSite = async (shape: CrawlSiteShape): Promise<CrawlSite> => {
  const files = new Map<string, SiteFile>();
  const add = (file: SiteFile) => files.set(file.path, file);
  add(fileOf("/files/logo.png", PNG_HEAD, 2048, "image/png"));
  const pageFiles: string[][] = [];
  for (let page = 1; page <= shape.pages; page += 1) {
    const linked = ["/files/logo.png"];
    for (let index = 1; index <= shape.filesPerPage; index += 1) {
      const pdf = index % 2 === 1;
      const path = `/files/p${page}-${index}.${pdf ? "pdf" : "png"}`;
      add(fileOf(path, pdf ? PDF_HEAD : PNG_HEAD, shape.fileSize, pdf ? "application/pdf" : "image/png"));
      linked.push(path);
    }
    if (page === 1 && shape.largeFileSize) {
      add(fileOf("/files/archive.pdf", PDF_HEAD, shape.largeFileSize, "application/pdf"));
      linked.push("/files/archive.pdf");
    }
    pageFiles.push(linked);
  }
  const pages = pageFiles.map((_, index) => `/pages/${index + 1}.html`);
  const hits = new Map<string, number>();
  const html = (title: string, body: string) =>
    `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;
  const site = await serveOnLoopback((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const file = files.get(path);
    if (file) {
      response
        .writeHead(200, { "content-type": file.contentType, "content-length": file.bytes.length })
        .end(file.bytes);
      return;
    }
    const pageIndex = pages.indexOf(path);
    if (path === "/" || pageIndex >= 0) {
      const links =
        path === "/"
          ? pages.map((page) => `<a class="page" href="${page}">${page}</a>`)
          : (pageFiles[pageIndex] ?? []).map((file) => `<a class="file" href="${file}">${file}</a>`);
      response
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(html(path === "/" ? "Index" : `Page ${pageIndex + 1}`, links.join("\n")));
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  return { ...site, files, pages, hits };
};

export const SCRAPY_INTEGRATION = resolve("integrations/scrapy");
const SITE_SPIDER = join(SCRAPY_INTEGRATION, "tests/site_spider.py");

export interface CrawlRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Scrapy's own stats, from the dump it logs at the end (numbers only). */
  stats: Record<string, number>;
}

/** Runs a Python module with the adapter on its path, in `cwd`. */
export const runPython = (
  python: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((done) =>
    execFile(
      python,
      args,
      { cwd, env: { ...process.env, PYTHONPATH: SCRAPY_INTEGRATION }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );

/**
 * `scrapy runspider` of the site spider (integrations/scrapy/tests/site_spider.py) over `site`,
 * with these settings (objects are passed as JSON, as Scrapy's -s reads them).
 */
export const crawlSite = async (
  python: string,
  site: CrawlSite,
  settings: Record<string, string | object>,
  cwd: string,
): Promise<CrawlRun> => {
  const flags = Object.entries({
    REQUEST_FINGERPRINTER_IMPLEMENTATION: "2.7",
    LOG_LEVEL: "INFO",
    ...settings,
  }).flatMap(([name, value]) => [
    "-s",
    `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`,
  ]);
  const result = await runPython(
    python,
    ["-m", "scrapy", "runspider", SITE_SPIDER, "-a", `start_url=${site.url}`, ...flags],
    cwd,
  );
  const stats: Record<string, number> = {};
  for (const match of result.stderr.matchAll(/'([a-z_/]+)': (\d+(?:\.\d+)?)/g)) {
    if (match[1] && match[2]) stats[match[1]] = Number(match[2]);
  }
  return { ...result, stats };
};
