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
import {
  SESSION_COOKIE,
  serveUppyPage,
  TOKEN_PATH,
  type UppyMajor,
  type UppySite,
} from "./support/uppy-pages";

const USER = "uppy-user";
/** The operator's preferred part size: above Uppy's 5 MiB floor, so Uppy cuts what the adapter says, not its own minimum. */
const PART_SIZE = 6 * MiB;

interface UppyReport {
  /** The @uppy/core version the page runs. */
  version: string;
  /** meta.artifactId of every file, as the README's example logs it. */
  artifactIds: string[];
  errors: string[];
  completed: number;
  partsUploaded: number;
}
type UppyWindow = Window & { uppyReport: UppyReport; storeEndpoint: string };

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

/**
 * The README's example in a fresh page, the API's URL on `window` before it runs; its token
 * function asks the page's server, which answers `bearer` to this context's session cookie.
 */
const openUppy = async (major: UppyMajor, bearer = token): Promise<UppyPage> => {
  const site = sites.get(major)?.url ?? "";
  const context = await browser.newContext();
  await context.addCookies([{ name: SESSION_COOKIE, value: encodeURIComponent(bearer), url: site }]);
  await context.addInitScript((endpoint) => {
    Object.assign(window, { storeEndpoint: endpoint });
  }, stack.url);
  const opened = await context.newPage();
  const seen: UppyPage = { page: opened, errors: [], requests: [], workers: [] };
  opened.on("console", (message) => {
    if (message.type() === "error") seen.errors.push(message.text());
  });
  opened.on("pageerror", (error) => seen.errors.push(error.message));
  opened.on("request", (request) => seen.requests.push({ method: request.method(), url: request.url() }));
  opened.on("worker", (worker) => seen.workers.push(worker.url()));
  await opened.goto(site);
  await opened.waitForFunction(() => "uppyReport" in window, null, { timeout: 10_000 });
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

const artifactsOf = async (seen: UppyReport): Promise<ArtifactView[]> => {
  const client = await stack.clientFor(USER);
  return Promise.all(seen.artifactIds.map((id) => client.get(id)));
};

const downloadedSha256 = async (artifactId: string): Promise<string> => {
  const client = await stack.clientFor(USER);
  return sha256OfResponse(await client.download(artifactId));
};

const uploadIdIn = (uppy: UppyPage): Promise<string> =>
  uppy.page.evaluate(() => {
    const files = (
      window as unknown as { uppy: { getFiles: () => { meta: Record<string, unknown> }[] } }
    ).uppy.getFiles();
    return (files[0]?.meta.artifactStore as { uploadId?: string } | undefined)?.uploadId ?? "";
  });

describe.each([6, 5] as const)("Uppy %i with its Dashboard uploads into the store", (major) => {
  it.each([
    ["1 KiB, one presigned PUT", 1024, 1],
    ["32 MiB, multipart in the store's preferred 6 MiB parts", 32 * MiB, 6],
  ])("%s, downloaded again byte for byte", async (_label, size, partCount) => {
    const uppy = await openUppy(major);
    const storageOrigin = new URL(stack.config.storage.endpoint ?? "").origin;
    const bodySizes: number[] = []; // each storage PUT's body as it leaves the page
    await uppy.page.route("**/*", (route) => {
      const request = route.request();
      if (request.method() === "PUT" && new URL(request.url()).origin === storageOrigin)
        bodySizes.push(request.postDataBuffer()?.byteLength ?? 0);
      return route.continue();
    });
    const bytes = randomBytesOf(size);
    await addThroughDashboard(uppy, `uppy${major}-${size}.bin`, bytes);
    await pressUpload(uppy);
    const seen = await waitForCompletion(uppy);

    expect(seen.version.split(".")[0]).toBe(String(major));
    expect(seen.errors).toEqual([]);
    const [artifact, ...others] = await artifactsOf(seen);
    expect(others).toEqual([]);
    expect(artifact).toMatchObject({
      filename: `uppy${major}-${size}.bin`,
      size,
      sha256: sha256(bytes),
      state: "verified",
      ownerId: USER,
    });
    expect(await downloadedSha256(artifact?.id ?? "")).toBe(sha256(bytes));

    // The bytes went straight to storage, each part once, in the cut the upload was opened with
    // (6 MiB parts, the rest in the last), each signed with its own Content-MD5.
    const cut = Array.from({ length: partCount }, (_, i) => Math.min(PART_SIZE, size - i * PART_SIZE));
    expect(bodySizes.sort((a, b) => b - a)).toEqual(cut);
    const status = await (await stack.api(`/v1/uploads/${await uploadIdIn(uppy)}`, { token })).json();
    expect(status).toMatchObject({ partCount, partSize: partCount === 1 ? size : PART_SIZE });
    const puts = uppy.requests.filter((request) => request.method === "PUT");
    expect(new Set(puts.map((request) => new URL(request.url).origin))).toEqual(new Set([storageOrigin]));
    expect(puts).toHaveLength(partCount);
    expect(
      puts.every((request) =>
        new URL(request.url).searchParams.get("X-Amz-SignedHeaders")?.includes("content-md5"),
      ),
    ).toBe(true);
    // The README's token function fetched the token from the app's session, as written.
    expect(uppy.requests.some((request) => new URL(request.url).pathname === TOKEN_PATH)).toBe(true);
    // The whole SHA-256 and the part checksums were hashed in the package's worker.
    expect(uppy.workers.some((url) => url.endsWith("/hash-worker.js"))).toBe(true);
    expect(uppy.errors).toEqual([]);
    await uppy.page.context().close();
  });
});

const storagePuts = (partNumber: (n: number) => boolean) => (url: URL, method: string) =>
  method === "PUT" &&
  url.origin === new URL(stack.config.storage.endpoint ?? "").origin &&
  partNumber(Number(url.searchParams.get("partNumber") ?? "0"));

describe.each([6, 5] as const)("Uppy %i with a token the store refuses", (major) => {
  it("reports the store's 401 and sends nothing to storage", async () => {
    const uppy = await openUppy(major, "not-a-token");
    await addThroughDashboard(uppy, "refused.bin", randomBytesOf(1024));
    await pressUpload(uppy);
    const seen = await waitForCompletion(uppy);
    // The first call the store refuses is the plan, asked before anything is opened.
    expect(seen.errors.join("\n")).toMatch(/GET \/v1\/uploads\/plan\?size=1024: 401/);
    expect(seen.artifactIds).toEqual([]);
    expect(uppy.requests.filter((request) => request.method === "PUT")).toEqual([]);
    await uppy.page.context().close();
  });
});

describe.each([6, 5] as const)("Uppy %i: a part changed on its way to storage", (major) => {
  it("is refused by storage against the MD5 its URL was signed with, and nothing is recorded", async () => {
    const uppy = await openUppy(major);
    const isPartTwo = storagePuts((n) => n === 2);
    const refusals: number[] = [];
    uppy.page.on("response", (response) => {
      if (isPartTwo(new URL(response.url()), response.request().method())) refusals.push(response.status());
    });
    // What a faulty proxy or bad memory would do: one bit of part 2 flipped after it was hashed.
    await uppy.page.route("**/*", async (route) => {
      const request = route.request();
      const body = request.postDataBuffer();
      if (!isPartTwo(new URL(request.url()), request.method()) || !body) return route.continue();
      body[0] = (body[0] ?? 0) ^ 1;
      return route.continue({ postData: body });
    });
    await addThroughDashboard(uppy, "tampered.bin", randomBytesOf(12 * MiB));
    await pressUpload(uppy);
    const seen = await waitForCompletion(uppy);

    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((status) => status === 400)).toBe(true);
    expect(seen.errors.length).toBeGreaterThan(0);
    expect(seen.artifactIds).toEqual([]);
    const status = await (await stack.api(`/v1/uploads/${await uploadIdIn(uppy)}`, { token })).json();
    // Uppy 6 leaves the upload open for a retry; Uppy 5 aborts it on the part's failure.
    expect(["open", "aborted"]).toContain(status.state);
    expect(status.parts.map((part: { partNumber: number }) => part.partNumber)).not.toContain(2);
    await uppy.page.context().close();
  });
});

describe.each([6, 5] as const)("Uppy %i with Golden Retriever", (major) => {
  it("resumes a 30 MiB upload after a page reload, sending only the parts storage lacks", async () => {
    const uppy = await openUppy(major);
    const bytes = randomBytesOf(30 * MiB);
    // Parts from 3 on hang until the reload, as on a connection lost part-way.
    const isLaterPart = storagePuts((n) => n >= 3);
    let holding = true;
    const completedParts: number[] = [];
    uppy.page.on("requestfinished", (request) => {
      if (storagePuts(() => true)(new URL(request.url()), request.method()))
        completedParts.push(Number(new URL(request.url()).searchParams.get("partNumber")));
    });
    await uppy.page.route("**/*", (route) =>
      holding && isLaterPart(new URL(route.request().url()), route.request().method())
        ? undefined // never answered: the reload cancels it
        : route.continue(),
    );
    await addThroughDashboard(uppy, "resumed.bin", bytes);
    await pressUpload(uppy);
    await uppy.page.waitForFunction(
      () => (window as unknown as UppyWindow).uppyReport.partsUploaded >= 2,
      null,
      {
        timeout: 60_000,
      },
    );
    const uploadId = await uploadIdIn(uppy);
    await uppy.page.waitForTimeout(1500); // Golden Retriever saves its state a moment after each change

    holding = false;
    expect(completedParts.sort((a, b) => a - b)).toEqual([1, 2]);
    const sentBefore = uppy.requests.length;
    await uppy.page.reload();
    await uppy.page.waitForFunction(() => "uppyReport" in window, null, { timeout: 10_000 });
    await uppy.page.locator(".uppy-Dashboard-Item").first().waitFor({ timeout: 20_000 });
    await pressUpload(uppy);
    const seen = await waitForCompletion(uppy);

    expect(seen.errors).toEqual([]);
    const [artifact] = await artifactsOf(seen);
    expect(artifact).toMatchObject({ filename: "resumed.bin", sha256: sha256(bytes), state: "verified" });
    expect(await uploadIdIn(uppy)).toBe(uploadId); // the same upload, resumed
    const partsAfterReload = uppy.requests
      .slice(sentBefore)
      .filter((request) => request.method === "PUT")
      .map((request) => Number(new URL(request.url).searchParams.get("partNumber")));
    expect(partsAfterReload.sort((a, b) => a - b)).toEqual([3, 4, 5]);
    expect(await downloadedSha256(artifact?.id ?? "")).toBe(sha256(bytes));
    await uppy.page.context().close();
  });
});

describe("the S3 dialect Uppy 6's control requests go to", () => {
  const open = async (size: number): Promise<string> => {
    const response = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({ filename: "dialect.bin", contentType: "application/octet-stream", size }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { uploadId: string }).uploadId;
  };
  const errorCode = async (response: Response) =>
    ((await response.json()) as { error: { code: string } }).error.code;

  it("answers only the upload's owner, in S3's XML", async () => {
    const uploadId = await open(12 * MiB);
    const stranger = await stack.tokenFor("someone-else");
    expect((await stack.api(`/v1/uppy/uploads/${uploadId}`, { method: "POST" })).status).toBe(401);
    expect(
      (await stack.api(`/v1/uppy/uploads/${uploadId}`, { method: "POST", token: stranger })).status,
    ).toBe(404);
    expect((await stack.api(`/v1/uppy/uploads/${uploadId}/parts`, { token: stranger })).status).toBe(404);

    const created = await stack.api(`/v1/uppy/uploads/${uploadId}`, { method: "POST", token });
    expect(created.status).toBe(200);
    expect(created.headers.get("content-type")).toContain("application/xml");
    expect(await created.text()).toContain(`<UploadId>${uploadId}</UploadId>`);
    const listed = await stack.api(`/v1/uppy/uploads/${uploadId}/parts`, { token });
    expect(await listed.text()).toMatch(
      /<ListPartsResult[^>]*><Key>[^<]+<\/Key><UploadId>[^<]+<\/UploadId><\/ListPartsResult>/,
    );
  });

  it("completes only what storage holds, as Uppy's XML names it; says 4xx to what it cannot read", async () => {
    const uploadId = await open(12 * MiB);
    const complete = (body: string, sha = "a".repeat(64)) =>
      stack.api(`/v1/uppy/uploads/${uploadId}/complete?sha256=${sha}`, {
        method: "POST",
        token,
        headers: { "content-type": "application/xml" },
        body,
      });
    const claimed =
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"abc"</ETag></Part></CompleteMultipartUpload>';
    const unheld = await complete(claimed);
    expect(unheld.status).toBe(409);
    expect(await errorCode(unheld)).toBe("parts_mismatch");
    const unreadable = await complete("<CompleteMultipartUpload></CompleteMultipartUpload>");
    expect(unreadable.status).toBe(400);
    expect(await errorCode(unreadable)).toBe("invalid_request");
    expect((await complete(claimed, "not-a-digest")).status).toBe(400);
    expect(
      (await stack.api(`/v1/uppy/uploads/${uploadId}/complete?sha256=${"a".repeat(64)}`, { method: "POST" }))
        .status,
    ).toBe(401);
  });

  it("tells Uppy that a single-PUT upload has no multipart upload to create", async () => {
    const uploadId = await open(1024);
    const refused = await stack.api(`/v1/uppy/uploads/${uploadId}`, { method: "POST", token });
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe("upload_not_multipart");
  });
});
