import type { ArtifactView } from "@artifact-store/api";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser";
import {
  MiB,
  randomBytesOf,
  sha256,
  sha256OfResponse,
  startTestStack,
  type TestStack,
} from "./support/stack";
import { serveUppyPage, type UppyMajor, type UppySite } from "./support/uppy-pages";

const USER = "uppy-user";
const PART_SIZE = 5 * MiB;

interface UppyReport {
  artifacts: ArtifactView[];
  errors: string[];
  completed: number;
  partsUploaded: number;
}
type UppyWindow = Window & {
  uppyReport: UppyReport;
  startUppy: (options: { endpoint: string; token: string }) => void;
};

let stack: TestStack;
let browser: Browser;
let token: string;
const sites = new Map<UppyMajor, UppySite>();
const corsBefore = process.env.API_CORS_ORIGINS;

beforeAll(async () => {
  process.env.API_CORS_ORIGINS = "*"; // the page is served from an origin of its own
  const [started, chromium, six, five] = await Promise.all([
    startTestStack({ S3_CORS_ORIGINS: "*", UPLOAD_PART_SIZE_BYTES: String(PART_SIZE) }),
    launchChromium(),
    serveUppyPage(6),
    serveUppyPage(5),
  ]);
  stack = started;
  browser = chromium;
  sites.set(6, six).set(5, five);
  token = await stack.tokenFor(USER);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([
    browser?.close(),
    stack?.close(),
    ...[...sites.values()].map((site) => site.close()),
  ]);
  if (corsBefore === undefined) delete process.env.API_CORS_ORIGINS;
  else process.env.API_CORS_ORIGINS = corsBefore;
});

interface UppyPage {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  requests: { method: string; url: string }[];
  workers: string[];
}

const openUppy = async (major: UppyMajor, page?: Page): Promise<UppyPage> => {
  const opened = page ?? (await (await browser.newContext()).newPage());
  const seen: UppyPage = { page: opened, errors: [], requests: [], workers: [] };
  opened.on("console", (message) => {
    if (message.type() === "error") seen.errors.push(message.text());
  });
  opened.on("pageerror", (error) => seen.errors.push(error.message));
  opened.on("request", (request) => seen.requests.push({ method: request.method(), url: request.url() }));
  opened.on("worker", (worker) => seen.workers.push(worker.url()));
  await opened.goto(sites.get(major)?.url ?? "");
  await opened.waitForFunction(() => "startUppy" in window, null, { timeout: 10_000 });
  await opened.evaluate((options) => (window as unknown as UppyWindow).startUppy(options), {
    endpoint: stack.url,
    token,
  });
  return seen;
};

const report = (uppy: UppyPage): Promise<UppyReport> =>
  uppy.page.evaluate(() => (window as unknown as UppyWindow).uppyReport);

/** What a user does: pick the file in the Dashboard, press its Upload button. */
const addThroughDashboard = async (uppy: UppyPage, name: string, bytes: Uint8Array): Promise<void> => {
  await uppy.page
    .locator(".uppy-Dashboard-input")
    .first()
    .setInputFiles({ name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
};

const pressUpload = (uppy: UppyPage) => uppy.page.locator(".uppy-StatusBar-actionBtn--upload").click();

const waitForCompletion = async (uppy: UppyPage, completions = 1): Promise<UppyReport> => {
  await uppy.page.waitForFunction(
    (count) => {
      const seen = (window as unknown as UppyWindow).uppyReport;
      return seen.completed >= count || seen.errors.length > 0;
    },
    completions,
    { timeout: 120_000 },
  );
  return report(uppy);
};

const downloadedSha256 = async (artifactId: string): Promise<string> => {
  const client = await stack.clientFor(USER);
  return sha256OfResponse(await client.download(artifactId));
};

describe.each([6, 5] as const)("Uppy %i with its Dashboard uploads into the store", (major) => {
  it.each([
    ["1 KiB, one presigned PUT", 1024, 1],
    ["30 MiB, multipart in the store's 5 MiB parts", 30 * MiB, 6],
  ])("%s, downloaded again byte for byte", async (_label, size, partCount) => {
    const uppy = await openUppy(major);
    const bytes = randomBytesOf(size);
    await addThroughDashboard(uppy, `uppy${major}-${size}.bin`, bytes);
    await pressUpload(uppy);
    const seen = await waitForCompletion(uppy);

    expect(seen.errors).toEqual([]);
    expect(seen.artifacts).toHaveLength(1);
    const artifact = seen.artifacts[0] as ArtifactView;
    expect(artifact).toMatchObject({
      filename: `uppy${major}-${size}.bin`,
      size,
      sha256: sha256(bytes),
      state: "verified",
      ownerId: USER,
    });
    expect(await downloadedSha256(artifact.id)).toBe(sha256(bytes));

    // The bytes went straight to storage, each part once, each signed with its own Content-MD5.
    const storageOrigin = new URL(stack.config.storage.endpoint ?? "").origin;
    const puts = uppy.requests.filter((request) => request.method === "PUT");
    expect(new Set(puts.map((request) => new URL(request.url).origin))).toEqual(new Set([storageOrigin]));
    expect(puts).toHaveLength(partCount);
    expect(
      puts.every((request) =>
        new URL(request.url).searchParams.get("X-Amz-SignedHeaders")?.includes("content-md5"),
      ),
    ).toBe(true);
    // The whole SHA-256 and the part checksums were hashed in the package's worker.
    expect(uppy.workers.some((url) => url.endsWith("/hash-worker.js"))).toBe(true);
    expect(uppy.errors).toEqual([]);
    await uppy.page.context().close();
  });
});
