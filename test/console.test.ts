// The web console in headless Chromium against the real stack, as `npm start` serves it: on the
// API's own port, with its development sign-in. Each page is checked with axe-core and saved as a
// screenshot under .data/screenshots/ (for a person to look at).

import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient, type ArtifactView } from "@artifact-store/client";
import { type LocalApi, startLocalApi } from "@artifact-store/local";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { createS3Client } from "@artifact-store/storage";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser";
import { MiB, ownDatabase } from "./support/stack";

const RUN = randomUUID().slice(0, 8);
const OWNER = `console-owner-${RUN}`;
const FRIEND = `console-friend-${RUN}`;
const STRANGER = `console-stranger-${RUN}`;
const ADMIN = `console-admin-${RUN}`;
const TAG = `console-${RUN}`;
const SCREENSHOTS = resolve(".data/screenshots");
const PART_SIZE = 5 * MiB;

let api: LocalApi;
let dropDatabase: (() => Promise<void>) | undefined;
let browser: Browser;
let owner: Page;
const pageErrors: string[] = [];

const tokenFor = (user: string, roles: string[] = []) => signToken(api.config.auth, { sub: user, roles });
const sdkFor = async (user: string) =>
  new ArtifactStoreClient({ baseUrl: api.url, token: await tokenFor(user) });

beforeAll(async () => {
  const database = await ownDatabase();
  dropDatabase = database?.drop;
  [api, browser] = await Promise.all([
    startLocalApi(
      {
        ...process.env,
        S3_BUCKET: `test-${randomUUID().slice(0, 12)}`,
        AUTH_JWT_SECRET: "test-secret-test-secret-test-secret-42",
        CATALOG_DATA_DIR: "memory://",
        VERIFY_INLINE_MAX_BYTES: String(1024 ** 4),
        UPLOAD_PART_SIZE_BYTES: String(PART_SIZE),
        // Same origin for the API; the bucket is another origin, which the page PUTs parts to.
        S3_CORS_ORIGINS: "*",
        // The webhook receiver the admin test subscribes is on this machine.
        WEBHOOK_ALLOWED_PRIVATE_CIDRS: "127.0.0.0/8,::1/128",
        ...(database ? { DATABASE_URL: database.url } : {}),
      },
      0,
      { console: { devUsers: [{ sub: OWNER, roles: [] }] } },
    ),
    launchChromium(),
  ]);
  await mkdir(SCREENSHOTS, { recursive: true });
  owner = await newPage();
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), api?.close()]);
  await dropDatabase?.();
});

const newPage = async (viewport = { width: 1280, height: 900 }): Promise<Page> => {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return page;
};

/** The page as a person sees it, saved for looking at, and no serious accessibility violation. */
const checkPage = async (page: Page, name: string) => {
  await page.screenshot({ path: `${SCREENSHOTS}/console-${name}.png`, fullPage: true });
  // A captured page in its sandboxed frame is not the console's to check (and axe cannot run in a
  // frame whose scripts are off: it would wait for it forever).
  const results = await new AxeBuilder({ page }).exclude("iframe[sandbox]").analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
    );
  expect(serious, `accessibility on ${name}`).toEqual([]);
};

const signInWithToken = async (page: Page, user: string, roles: string[] = []) => {
  await page.goto(`${api.url}/`);
  await page.getByLabel("Token or API key").fill(await tokenFor(user, roles));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
};

const open = async (page: Page, fragment: string) => {
  await page.goto(`${api.url}/#${fragment}`);
};

/** A PNG to upload: a screenshot of a small page Chromium draws. */
const pngImage = async (): Promise<Buffer> => {
  const page = await newPage({ width: 320, height: 200 });
  await page.setContent(
    '<body style="margin:0;background:linear-gradient(135deg,#0b5cad,#7fd1ae);font:32px sans-serif;color:#fff;display:grid;place-items:center;height:100vh">crawl shot</body>',
  );
  const png = await page.screenshot();
  await page.context().close();
  return png;
};

const NOTE = `console note ${RUN}\n${"a line of captured text\n".repeat(45)}`.slice(0, 1024);
const CAPTURED_PAGE = `<!doctype html><html><head><title>Captured</title></head><body>
<h1>Captured page ${RUN}</h1>
<script>window.capturedScriptRan = true; try { parent.capturedScriptRan = true; } catch (e) {}</script>
<img src="x" onerror="window.capturedScriptRan = true; parent.capturedScriptRan = true">
</body></html>`;

const uploaded: Record<string, ArtifactView> = {};

const artifactNamed = async (filename: string): Promise<ArtifactView> => {
  const found = uploaded[filename];
  if (found) return found;
  const client = await sdkFor(OWNER);
  const page = await client.search({ tags: [TAG], q: filename.split(".")[0] });
  const artifact = page.artifacts.find((each) => each.filename === filename);
  if (!artifact) throw new Error(`${filename} was not uploaded`);
  uploaded[filename] = artifact;
  return artifact;
};

describe("the web console", () => {
  it("serves its page at / on the API's port; the API stays where it was", async () => {
    const page = await fetch(`${api.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="app"></div>');
    expect((await fetch(`${api.url}/v1/health`)).status).toBeLessThan(500);
    const missing = await fetch(`${api.url}/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
  });

  it("signs in with one click as a printed user; the token stays out of the URL", async () => {
    await owner.goto(`${api.url}/`);
    await owner.getByRole("heading", { name: "Sign in to the artifact store" }).waitFor();
    await checkPage(owner, "sign-in");
    await owner.getByRole("button", { name: `Sign in as ${OWNER}` }).click();
    await owner.getByRole("button", { name: "Sign out" }).waitFor();
    await expect.poll(() => owner.locator(".who").textContent()).toContain(OWNER);
    expect(owner.url()).not.toMatch(/eyJ/);
    const stored = await owner.evaluate(() => JSON.stringify(sessionStorage));
    expect(stored).toContain("eyJ");
    expect(await owner.evaluate(() => JSON.stringify(localStorage))).not.toContain("eyJ");
  });

  it("a development sign-in is refused to a page of another origin", async () => {
    const minted = await fetch(`${api.url}/console/dev-sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://elsewhere.example" },
      body: JSON.stringify({ sub: OWNER }),
    });
    expect(minted.status).toBe(403);
  });

  it("`artifact-store dev-token --sub USER` mints a token from the same sign-in, for any user", async () => {
    const bin = join(import.meta.dirname, "../packages/cli/bin/artifact-store.js");
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile("node", [bin, "--url", api.url, ...args], (error, stdout) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
        ),
      );
    const alice = `alice-${RUN}`;
    const minted = await run(["dev-token", "--sub", alice]);
    expect(minted.code).toBe(0);
    const client = new ArtifactStoreClient({ baseUrl: api.url, token: minted.stdout.trim() });
    const artifact = await client.upload(new TextEncoder().encode("from alice"), { filename: "alice.txt" });
    expect(artifact.ownerId).toBe(alice);
    const json = JSON.parse((await run(["dev-token", "--sub", alice, "--json"])).stdout) as { sub: string };
    expect(json.sub).toBe(alice);
  });

  it("a development sign-in is refused to a page whose own name was made to point here (DNS rebinding)", async () => {
    // Such a page is same-origin with itself and reaches loopback, but names its own host.
    const { port } = new URL(api.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/console/dev-sign-in",
          method: "POST",
          headers: {
            host: `rebound.example:${port}`,
            origin: `http://rebound.example:${port}`,
            "content-type": "application/json",
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on("error", reject);
      request.end(JSON.stringify({ sub: OWNER }));
    });
    expect(status).toBe(403);
  });

  it("uploads a 1 KiB text file, an image, a captured page and a 30 MiB file, its progress seen moving", async () => {
    await open(owner, "/upload");
    await owner.getByLabel("Tags (comma-separated)").fill(`${TAG}, console`);
    await owner.getByLabel("Metadata (a JSON object)").fill('{"crawl": "console-test"}');
    const big = randomBytes(30 * MiB);
    // What the big file's bar shows while it goes, sampled in the page as a person would see it.
    await owner.evaluate(() => {
      const seen: number[] = [];
      Object.assign(window, { bigProgress: seen });
      setInterval(() => {
        const bar = document.querySelector<HTMLProgressElement>(
          'li.upload[data-filename="big.bin"] progress',
        );
        if (bar && seen.at(-1) !== bar.value) seen.push(bar.value);
      }, 5);
    });
    await owner.locator("#upload-files").setInputFiles([
      { name: "note.txt", mimeType: "text/plain", buffer: Buffer.from(NOTE) },
      { name: "shot.png", mimeType: "image/png", buffer: await pngImage() },
      { name: "captured.html", mimeType: "text/html", buffer: Buffer.from(CAPTURED_PAGE) },
      { name: "big.bin", mimeType: "application/octet-stream", buffer: big },
    ]);
    for (const name of ["note.txt", "shot.png", "captured.html", "big.bin"]) {
      await owner
        .locator(`li.upload[data-filename="${name}"] .upload-state`, { hasText: "stored" })
        .waitFor({ timeout: 60_000 });
    }
    const bigRow = owner.locator('li.upload[data-filename="big.bin"]');
    expect(
      await bigRow.locator("progress").evaluate((bar: HTMLProgressElement) => [bar.value, bar.max]),
    ).toEqual([big.length, big.length]);
    const seen = await owner.evaluate(() => (window as unknown as { bigProgress: number[] }).bigProgress);
    const between = seen.filter((value) => value > 0 && value < big.length);
    expect(between.length, `progress values seen: ${seen.join(", ")}`).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await expect
      .poll(() => owner.locator("label[for=total-progress]").textContent())
      .toMatch(/^Total: 30(\.\d)? MiB of 30(\.\d)? MiB$/);
    await checkPage(owner, "upload");

    const stored = await (await sdkFor(OWNER)).search({ tags: [TAG] });
    expect(stored.artifacts.map((artifact) => artifact.filename).sort()).toEqual([
      "big.bin",
      "captured.html",
      "note.txt",
      "shot.png",
    ]);
    for (const artifact of stored.artifacts) {
      uploaded[artifact.filename] = artifact;
      expect(artifact).toMatchObject({ state: "verified", metadata: { crawl: "console-test" } });
      expect(artifact.tags).toEqual(expect.arrayContaining([TAG, "console"]));
    }
  });

  it("resumes an upload after a reload, sending only the parts storage does not hold", async () => {
    const bytes = randomBytes(12 * MiB); // three parts of 5, 5 and 2 MiB
    // A file on disk: its name, size and modification time are how the page knows it again.
    const folder = await mkdtemp(join(tmpdir(), "console-resume-"));
    const file = join(folder, "resumed.bin");
    await writeFile(file, bytes);
    // The last part never gets an answer, as when the tab is closed halfway.
    const holdLastPart = (route: import("playwright-core").Route) =>
      new URL(route.request().url()).searchParams.get("partNumber") === "3" ? undefined : route.continue();
    await owner.route(/partNumber=/, holdLastPart);
    await open(owner, "/upload");
    await owner.getByLabel("Tags (comma-separated)").fill(`${TAG}-resume`);
    await owner.locator("#upload-files").setInputFiles([file]);
    await owner.locator('li.upload[data-filename="resumed.bin"]', { hasText: "10 MiB of 12 MiB" }).waitFor();

    // Reloaded while the last part hangs: the page, and its request, are gone.
    await owner.reload();
    await owner.unroute(/partNumber=/, holdLastPart);
    const unfinished = owner.locator(".unfinished li", { hasText: "resumed.bin" });
    await unfinished.waitFor();
    await checkPage(owner, "upload-unfinished");
    const parts: string[] = [];
    const countParts = (request: import("playwright-core").Request) => {
      const part = new URL(request.url()).searchParams.get("partNumber");
      if (request.method() === "PUT" && part) parts.push(part);
    };
    owner.on("request", countParts);
    await owner.locator("#upload-files").setInputFiles([file]);
    const row = owner.locator('li.upload[data-filename="resumed.bin"]');
    await row.locator(".upload-state", { hasText: "stored" }).waitFor({ timeout: 60_000 });
    owner.off("request", countParts);
    expect(parts).toEqual(["3"]);
    const [resumed] = (await (await sdkFor(OWNER)).search({ tags: [`${TAG}-resume`] })).artifacts;
    expect(resumed).toMatchObject({ filename: "resumed.bin", size: bytes.length, state: "verified" });
    await unfinished.waitFor({ state: "detached" });
    await rm(folder, { recursive: true, force: true });
  });

  it("finds them by text and by tag, the query kept in the URL", async () => {
    await open(owner, "/");
    await owner.getByLabel("Search text").fill("note");
    await owner.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => owner.url()).toContain("q=note");
    await owner.locator(".result-name", { hasText: "note.txt" }).waitFor();

    await open(owner, `/?tags=${TAG}`);
    await owner.locator(".results-count", { hasText: "4 artifacts" }).waitFor();
    expect(await owner.locator(".result-name").allTextContents()).toEqual(
      expect.arrayContaining(["note.txt", "shot.png", "captured.html", "big.bin"]),
    );
    await checkPage(owner, "search");

    // A quick filter narrows to images; the filter lands in the URL, to share.
    await owner.getByRole("button", { name: "Images" }).click();
    await expect.poll(() => owner.url()).toContain("contentType=image");
    await owner.locator(".results-count", { hasText: "1 artifact" }).waitFor();
    expect(await owner.locator(".result-name").allTextContents()).toEqual(["shot.png"]);
  });

  it("previews the image and the text", async () => {
    const image = await artifactNamed("shot.png");
    await open(owner, `/artifacts/${image.id}`);
    const img = owner.getByAltText("Preview of shot.png");
    await img.waitFor();
    await expect.poll(() => img.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBe(320);
    await checkPage(owner, "artifact-image");

    const note = await artifactNamed("note.txt");
    await open(owner, `/artifacts/${note.id}`);
    await owner.locator("pre.preview-text", { hasText: `console note ${RUN}` }).waitFor();
    await owner.getByRole("heading", { name: "Integrity" }).waitFor();
    expect(await owner.locator(".facts").first().textContent()).toContain(note.sha256);
    await checkPage(owner, "artifact-text");
  });

  it("shows a captured HTML page without running its scripts, in the console or in the frame", async () => {
    const captured = await artifactNamed("captured.html");
    await open(owner, `/artifacts/${captured.id}`);
    const frameElement = owner.locator("iframe.preview-frame");
    await frameElement.waitFor();
    expect(await frameElement.getAttribute("sandbox")).toBe("");
    const frame = owner.frameLocator("iframe.preview-frame");
    await frame.getByRole("heading", { name: `Captured page ${RUN}` }).waitFor();
    await owner.waitForTimeout(500); // room for an onerror handler to have fired, had it been allowed
    expect(await owner.evaluate(() => "capturedScriptRan" in window)).toBe(false);
    const inner = owner.frames().find((each) => each !== owner.mainFrame());
    expect(inner).toBeDefined();
    expect(await inner?.evaluate(() => "capturedScriptRan" in window)).toBe(false);
    await checkPage(owner, "artifact-html");

    await owner.getByRole("button", { name: "Source" }).click();
    await owner.locator("pre.preview-text", { hasText: "window.capturedScriptRan = true" }).waitFor();
    expect(await owner.evaluate(() => "capturedScriptRan" in window)).toBe(false);
  });

  it("shares with a second user, who then sees it; a third gets not found", async () => {
    const note = await artifactNamed("note.txt");
    await open(owner, `/artifacts/${note.id}`);
    await owner.getByLabel("Share with user").fill(FRIEND);
    await owner.getByRole("button", { name: "Share", exact: true }).click();
    await owner.locator(".grants li", { hasText: FRIEND }).waitFor();

    const friend = await newPage();
    await signInWithToken(friend, FRIEND);
    await open(friend, `/artifacts/${note.id}`);
    await friend.getByRole("heading", { name: "note.txt" }).waitFor();
    await friend.locator("pre.preview-text", { hasText: `console note ${RUN}` }).waitFor();
    // The friend may look, not change: no editing, sharing or deleting on their page.
    expect(await friend.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    await checkPage(friend, "artifact-shared");

    const stranger = await newPage();
    await signInWithToken(stranger, STRANGER);
    await open(stranger, `/artifacts/${note.id}`);
    await stranger.getByRole("heading", { name: "Artifact not found" }).waitFor();
    await checkPage(stranger, "artifact-not-found");
    await Promise.all([friend.context().close(), stranger.context().close()]);
  });

  it("shows an If-Match conflict as a choice between reloading and overwriting", async () => {
    const note = await artifactNamed("note.txt");
    await open(owner, `/artifacts/${note.id}`);
    const tags = owner.getByLabel("Tags (comma-separated)");
    await tags.waitFor();
    // Someone else changes the artifact while the page is open.
    await (await sdkFor(OWNER)).update(note.id, { tags: { add: ["changed-elsewhere"] } });
    await tags.fill(`${TAG}, mine`);
    await owner.getByRole("button", { name: "Save changes" }).click();
    const conflict = owner.getByRole("alert").filter({ hasText: "Someone else changed this artifact" });
    await conflict.waitFor();
    await checkPage(owner, "artifact-conflict");

    await owner.getByRole("button", { name: "Overwrite with mine" }).click();
    await owner.getByRole("status").filter({ hasText: "Saved as version" }).waitFor();
    expect((await (await sdkFor(OWNER)).get(note.id)).tags.sort()).toEqual([TAG, "mine"].sort());
  });

  describe("administration", () => {
    let admin: Page;
    const receiver = {
      secret: "",
      received: [] as { webhookId: string; type: string; artifactId: string }[],
    };
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        try {
          // Signed with the secret the page showed: the one the admin copies to the receiver.
          const payload = new Webhook(receiver.secret).verify(
            Buffer.concat(chunks).toString("utf8"),
            request.headers as Record<string, string>,
          ) as { type: string; data: { artifactId: string } };
          receiver.received.push({
            webhookId: String(request.headers["webhook-id"]),
            type: payload.type,
            artifactId: payload.data.artifactId,
          });
          response.writeHead(204).end();
        } catch {
          response.writeHead(401).end("signature rejected");
        }
      });
    });

    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      admin = await newPage();
      await signInWithToken(admin, ADMIN, ["admin"]);
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it("shows admins the admin pages in the navigation, on a page of their own", async () => {
      await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
      await admin.getByRole("heading", { name: "Administration: Audit trail" }).waitFor();
      // The admin pages are a chunk of their own, not in what every visitor loads first.
      const scripts = await admin.evaluate(() =>
        performance.getEntriesByType("resource").map((entry) => entry.name),
      );
      expect(scripts.some((name) => /admin-page-[\w-]+\.js$/.test(name))).toBe(true);
      const html = await (await fetch(`${api.url}/`)).text();
      expect(html).not.toMatch(/admin-page/);
    });

    it("creates a webhook to a receiver, sees its delivery and redelivers it", async () => {
      const { port } = server.address() as AddressInfo;
      const hookUrl = `http://127.0.0.1:${port}/hook-${RUN}`;
      await open(admin, "/admin/webhooks");
      await admin.getByText("No webhooks yet.").waitFor();
      await admin.getByLabel("URL").fill(hookUrl);
      await admin.getByLabel("Only with tags (comma-separated, all of them)").fill(`${TAG}-hook`);
      await admin.getByRole("button", { name: "Create webhook" }).click();
      const secret = admin.locator(".shown-once code.secret");
      await secret.waitFor();
      receiver.secret = (await secret.textContent()) ?? "";
      expect(receiver.secret).toMatch(/^whsec_/);
      const card = admin.locator(`li.card[data-webhook="${hookUrl}"]`);
      await card.getByText("active").waitFor();

      const hooked = await (await sdkFor(OWNER)).upload(new TextEncoder().encode("hooked"), {
        filename: "hooked.txt",
        tags: [`${TAG}-hook`],
      });
      expect(await webhooksOf(api.runtime).deliverDue()).toMatchObject({ delivered: 1, failed: 0 });
      expect(receiver.received).toEqual([
        { webhookId: expect.any(String), type: "artifact.available", artifactId: hooked.id },
      ]);

      await card.getByRole("button", { name: "Deliveries" }).click();
      const row = admin.locator("table.deliveries tbody tr");
      await row.locator(".badge", { hasText: "delivered" }).waitFor();
      expect(await row.count()).toBe(1);
      expect(await row.locator("td.attempts").textContent()).toBe("1");
      expect(await row.textContent()).toContain("HTTP 204");
      await checkPage(admin, "admin-webhooks");

      await row.getByRole("button", { name: /^Redeliver/ }).click();
      await admin.getByRole("status").filter({ hasText: "Queued again" }).waitFor();
      await row.locator(".badge", { hasText: "pending" }).waitFor();
      await webhooksOf(api.runtime).deliverDue();
      await admin.getByRole("button", { name: "Refresh" }).click();
      await row.locator(".badge", { hasText: "delivered" }).waitFor();
      expect(await row.locator("td.attempts").textContent()).toBe("2");
      // Sent again under the same webhook-id, by which a receiver drops a repeat.
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1]).toEqual(receiver.received[0]);

      // Deleting asks once more; kept, it stays.
      await card.getByRole("button", { name: `Delete the webhook to ${hookUrl}…` }).click();
      await card.getByRole("button", { name: "Keep it" }).click();
      await card.getByRole("button", { name: `Delete the webhook to ${hookUrl}…` }).click();
      await card.getByRole("button", { name: "Delete it and its queued deliveries" }).click();
      await admin.getByText("No webhooks yet.").waitFor();
      expect(await (await sdkFor(ADMIN)).listWebhooks()).toEqual([]);
    });

    it("sees the audit entries of the earlier steps, filtered, and the trail verified intact", async () => {
      const note = await artifactNamed("note.txt");
      await open(admin, "/admin/audit");
      await admin.getByLabel(/^Actor/).fill(`user:${OWNER}`);
      await admin.getByLabel(/^Action/).fill("putGrant");
      await admin.getByRole("button", { name: "Filter", exact: true }).click();
      await expect.poll(() => admin.url()).toContain("action=putGrant");
      const rows = admin.locator("table.audit-events tbody tr");
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain(note.id);
      expect(await rows.first().textContent()).toContain("allowed");

      // The uploads of the first step, one completion each.
      await open(admin, `/admin/audit?actor=user:${OWNER}&action=completeUpload`);
      await expect
        .poll(() => admin.locator('tr[data-action="completeUpload"]').count())
        .toBeGreaterThanOrEqual(4);
      expect(
        await admin.locator("tr:not([data-action='completeUpload'])", { has: admin.locator("td") }).count(),
      ).toBe(0);
      await admin.getByRole("button", { name: "Verify the chain" }).click();
      const verified = admin.locator(".verify-result");
      await verified.waitFor();
      expect(await verified.textContent()).toMatch(/^Intact: \d+ events checked/);
      await checkPage(admin, "admin-audit");

      await open(admin, `/admin/audit?actor=nobody-${RUN}`);
      await admin.getByText("No events match these filters.").waitFor();
    });

    it("runs a scrub that finds the artifact whose bytes rotted, and lists it as corrupt", async () => {
      const rotten = await (await sdkFor(OWNER)).upload(new TextEncoder().encode("bytes as uploaded"), {
        filename: `rotten-${RUN}.txt`,
        tags: [`${TAG}-rot`],
      });
      // Behind the API's back, as a failing disk would.
      const s3 = createS3Client(api.config.storage);
      const record = await api.runtime.catalog.findArtifact(rotten.id);
      await s3.send(
        new PutObjectCommand({
          Bucket: api.config.storage.bucket,
          Key: record?.objectKey ?? "",
          Body: "bytes rotted away",
        }),
      );
      s3.destroy();
      await open(admin, "/admin/integrity");
      await admin.locator(".corrupt-none").waitFor();
      await admin.getByText("No scrub or reconcile has run yet.").waitFor();
      await admin.getByRole("button", { name: "Run a scrub now" }).click();
      const report = admin.locator('article.integrity-run[data-kind="scrub"]');
      await report.waitFor();
      expect(await report.locator(".summary").textContent()).toMatch(/corrupt1/);
      expect(await report.locator("table").textContent()).toContain(rotten.id);
      const listed = admin.locator(".corrupt-list li");
      await listed.waitFor();
      expect(await listed.allTextContents()).toEqual([expect.stringContaining(`rotten-${RUN}.txt`)]);
      expect(await listed.first().textContent()).toContain("sha256_mismatch");
      await checkPage(admin, "admin-integrity");
    });

    it("takes a backup and runs a restore dry run, which changes nothing", async () => {
      await open(admin, "/admin/backups");
      await admin.getByText("No snapshot yet.").waitFor();
      await admin.getByRole("button", { name: "Take a backup now" }).click();
      await admin
        .getByRole("status")
        .filter({ hasText: /^Snapshot .* taken/ })
        .waitFor();
      const snapshot = admin.locator("table.snapshots tbody tr");
      await snapshot.waitFor();
      expect(await snapshot.count()).toBe(1);
      const before = await (await sdkFor(OWNER)).search({ tags: [TAG] });

      await snapshot.getByRole("button", { name: /^Restore from the snapshot/ }).click();
      await admin.getByLabel(/^Only with tags/).fill(TAG);
      await admin.getByRole("button", { name: "Dry run" }).click();
      const result = admin.locator(".restore-report [role=status]");
      await result.waitFor();
      // The four of the upload step: what the snapshot holds with the tag.
      expect(await result.textContent()).toMatch(/^Dry run: 4 records selected; nothing was changed\./);
      expect(await admin.locator("table.restore-changes tbody tr").count()).toBe(4);
      expect(await admin.locator("table.restore-changes").textContent()).toContain("note.txt");
      await checkPage(admin, "admin-backups");
      const after = await (await sdkFor(OWNER)).search({ tags: [TAG] });
      expect(after.artifacts.map((each) => [each.id, each.version])).toEqual(
        before.artifacts.map((each) => [each.id, each.version]),
      );

      // The real restore asks first; cancelling changes nothing.
      await admin.getByRole("button", { name: "Restore…", exact: true }).click();
      const dialog = admin.getByRole("dialog", { name: /^Restore from/ });
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "hidden" });
    });

    it("creates an API key, shown once and then listed without it, which works until revoked", async () => {
      const name = `crawler-${RUN}`;
      await open(admin, "/admin/api-keys");
      await admin.getByLabel(/^Acts as/).fill(OWNER);
      await admin.getByLabel(/^Name/).fill(name);
      await admin.getByRole("button", { name: "Create key" }).click();
      const shown = admin.locator(".shown-once code.secret");
      await shown.waitFor();
      const key = (await shown.textContent()) ?? "";
      expect(key).toMatch(/^ask_/);
      const row = admin.locator(`table.api-keys tr[data-key-name="${name}"]`);
      await row.waitFor();
      expect(await row.textContent()).not.toContain(key);
      await checkPage(admin, "admin-api-keys");
      const withKey = new ArtifactStoreClient({ baseUrl: api.url, token: key });
      expect((await withKey.search({ tags: [TAG] })).artifacts.length).toBeGreaterThan(0);

      // Signed in with the key, the console names whom the API acts as (GET /v1/me): its subject.
      const service = await newPage();
      await service.goto(`${api.url}/`);
      await service.getByLabel("Token or API key").fill(key);
      await service.getByRole("button", { name: "Sign in", exact: true }).click();
      await service.locator(".who", { hasText: OWNER }).waitFor();
      expect(await service.getByRole("link", { name: "Admin" }).count()).toBe(0);
      await service.context().close();

      // Opened again, the page lists the key and never shows it.
      await admin.reload();
      await row.waitFor();
      expect(await admin.locator(".shown-once").count()).toBe(0);
      expect(await admin.content()).not.toContain(key);

      await row.getByRole("button", { name: `Revoke the key ${name}` }).click();
      await row.locator(".badge", { hasText: "revoked" }).waitFor();
      await expect(withKey.search({ tags: [TAG] })).rejects.toMatchObject({ status: 401 });
    });

    it("is usable 390 px wide", async () => {
      const phone = await newPage({ width: 390, height: 844 });
      await signInWithToken(phone, ADMIN, ["admin"]);
      for (const section of ["audit", "webhooks", "integrity", "backups", "api-keys"]) {
        await open(phone, `/admin/${section}`);
        await phone.locator(".tab[aria-current=page]").waitFor();
        await phone.locator("section h2").first().waitFor();
        await expect.poll(() => phone.locator(".loading").count()).toBe(0);
        expect(
          await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
          section,
        ).toBeLessThanOrEqual(0);
        await checkPage(phone, `admin-${section}-narrow`);
      }
      await phone.context().close();
    });

    it("a non-admin who opens an admin page sees the API's refusal, and no admin link", async () => {
      const stranger = await newPage();
      await signInWithToken(stranger, STRANGER);
      expect(await stranger.getByRole("link", { name: "Admin" }).count()).toBe(0);
      await open(stranger, "/admin/backups");
      await stranger
        .getByRole("alert")
        .filter({ hasText: 'This operation needs the "admin" scope.' })
        .waitFor();
      expect(await stranger.getByRole("button", { name: "Take a backup now" }).count()).toBe(0);
      await checkPage(stranger, "admin-refused");
      await stranger.context().close();
    });
  });

  it("is usable 390 px wide", async () => {
    const phone = await newPage({ width: 390, height: 844 });
    await signInWithToken(phone, OWNER);
    await open(phone, `/?tags=${TAG}`);
    await phone.locator(".results-count", { hasText: "4 artifacts" }).waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await checkPage(phone, "search-narrow");
    const note = await artifactNamed("note.txt");
    await open(phone, `/artifacts/${note.id}`);
    await phone.locator("pre.preview-text").waitFor();
    expect(
      await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await checkPage(phone, "artifact-narrow");
    await phone.context().close();
  });

  it("raised no error in any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
