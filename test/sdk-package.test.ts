// The SDK as people install it: built and packed, installed from its tarball into a project of its
// own outside this repository, used from plain Node (the README's example, verbatim), from
// TypeScript, and from a page Vite builds, against a running stack.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import type * as Sdk from "@artifact-store/client";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser";
import { type ConsumerProject, createConsumerProject, readmeSdkBlocks } from "./support/sdk-consumer";
import { MiB, startTestStack, type TestStack } from "./support/stack";
import { serveFolder } from "./support/static-site";

const INLINE_VERIFY_MAX = 4 * MiB;

let project: ConsumerProject;
let stack: TestStack;
/** The package as installed in the project, resolved as Node resolves it there. */
let sdk: typeof Sdk;
let adminToken: string;

const corsBefore = process.env.API_CORS_ORIGINS;

beforeAll(async () => {
  // The Vite page is served from an origin of its own: the API and the bucket must both allow it.
  process.env.API_CORS_ORIGINS = "*";
  [project, stack] = await Promise.all([
    createConsumerProject(),
    startTestStack(
      {
        S3_CORS_ORIGINS: "*",
        // Artifacts above this wait for a verification run: what `waitUntil: "verified"` waits for.
        VERIFY_INLINE_MAX_BYTES: String(INLINE_VERIFY_MAX),
        VERIFY_AT_ONCE: "false",
        // The webhook receiver of these tests listens on loopback.
        WEBHOOK_ALLOWED_PRIVATE_CIDRS: "127.0.0.0/8",
        WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
      },
      // searchAll sees public artifacts, and the verification run takes every pending one: a
      // catalogue of its own keeps other test files' artifacts out of both.
      { ownDatabase: true },
    ),
  ]);
  const entry = createRequire(join(project.dir, "package.json")).resolve("@artifact-store/client");
  expect(entry).toBe(join(project.dir, "node_modules/@artifact-store/client/dist/index.js"));
  sdk = (await import(pathToFileURL(entry).href)) as typeof Sdk;
  adminToken = await stack.tokenFor("sdk-admin", ["admin"]);
  console.info(
    `sdk-package: packed in ${Math.round(project.timings.packMs)} ms, installed in ${Math.round(project.timings.installMs)} ms`,
  );
}, 300_000);

afterAll(async () => {
  await Promise.allSettled([project?.close(), stack?.close()]);
  if (corsBefore === undefined) delete process.env.API_CORS_ORIGINS;
  else process.env.API_CORS_ORIGINS = corsBefore;
});

const filesIn = async (dir: string, prefix = ""): Promise<string[]> =>
  (
    await Promise.all(
      (
        await readdir(dir, { withFileTypes: true })
      ).map((entry) =>
        entry.isDirectory()
          ? filesIn(join(dir, entry.name), `${prefix}${entry.name}/`)
          : [`${prefix}${entry.name}`],
      ),
    )
  ).flat();

describe("the package as published", () => {
  it("holds the build, its declarations, a README and a manifest that points at them, nothing else", async () => {
    const { stdout } = await promisify(execFile)("tar", ["-tzf", project.tarball]);
    expect(stdout.trim().split("\n").sort()).toEqual([
      "package/README.md",
      "package/dist/browser.js",
      "package/dist/index.d.ts",
      "package/dist/index.js",
      "package/package.json",
    ]);
    const installed = join(project.dir, "node_modules/@artifact-store/client");
    const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8"));
    expect(manifest).not.toHaveProperty("private");
    expect(manifest).toMatchObject({
      name: "@artifact-store/client",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      type: "module",
      license: expect.any(String),
      engines: { node: ">=20" },
      types: "./dist/index.d.ts",
      files: ["dist"],
      exports: {
        ".": { types: "./dist/index.d.ts", browser: "./dist/browser.js", default: "./dist/index.js" },
      },
    });
    // Nothing of this repository's unpublished packages, at run time or in the types.
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["hash-wasm"]);
    for (const file of ["dist/index.js", "dist/browser.js", "dist/index.d.ts"]) {
      const text = await readFile(join(installed, file), "utf8");
      expect(text, file).not.toContain("@artifact-store/");
      expect(text, file).not.toMatch(/^import .* from "(?!hash-wasm")/m);
    }
    expect(await readFile(join(installed, "dist/browser.js"), "utf8")).not.toContain("node:");
    expect(await readFile(join(installed, "README.md"), "utf8")).toContain("waitUntil");
  });

  it("type-checks for a TypeScript user: the README's snippets, and error codes as a union", async () => {
    const blocks = await readmeSdkBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    await writeFile(join(project.dir, "readme-snippets.ts"), blocks.join("\n"));
    await writeFile(
      join(project.dir, "types.ts"),
      [
        'import { type ApiErrorCode, ArtifactStoreError, type ArtifactView } from "@artifact-store/client";',
        'export const known: ApiErrorCode = "artifact_not_found";',
        "// @ts-expect-error not one of the API's codes",
        'export const unknown: ApiErrorCode = "no_such_code";',
        "export const codeOf = (error: unknown) => (error instanceof ArtifactStoreError ? error.code : undefined);",
        'export const stateOf = (artifact: ArtifactView): "pending" | "uploaded" | "verified" | "corrupt" | "deleted" =>',
        "  artifact.state;",
        "",
      ].join("\n"),
    );
    for (const moduleResolution of ["nodenext", "bundler"]) {
      await writeFile(
        join(project.dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "es2022",
            module: moduleResolution === "nodenext" ? "nodenext" : "esnext",
            moduleResolution,
            strict: true,
            noEmit: true,
            types: ["node"],
            lib: ["es2023"],
          },
          files: ["readme-snippets.ts", "types.ts"],
        }),
      );
      await project.run("npx", ["--no-install", "tsc", "-p", "tsconfig.json"]);
    }
  }, 120_000);
});

describe("on Node, without tsx", () => {
  it("the README's SDK example runs verbatim", async () => {
    const [example] = await readmeSdkBlocks();
    if (!example) throw new Error("README has no SDK example.");
    await writeFile(join(project.dir, "example.mjs"), example);
    const size = 3 * MiB; // verified as it completes: below VERIFY_INLINE_MAX_BYTES
    await writeFile(join(project.dir, "page.warc"), randomBytes(size));
    const user = `readme-${Date.now()}`;
    const { stdout, ms } = await project.run("node", ["example.mjs"], {
      API: stack.url,
      TOKEN: await stack.tokenFor(user),
    });
    console.info(`sdk-package: README example ran in ${Math.round(ms)} ms`);

    const lines = stdout.trim().split("\n");
    const progress = lines.filter((line) => line.endsWith(` bytes`) && line.includes("/"));
    expect(progress[0]).toBe(`0/${size} bytes`);
    expect(progress.at(-1)).toBe(`${size}/${size} bytes`);
    expect(progress.length).toBeGreaterThanOrEqual(4); // at least every MiB, within the one part
    const stored = lines.find((line) => line.startsWith("stored "));
    expect(stored).toMatch(/^stored [0-9a-f-]{36}: verified$/);
    const id = stored?.slice("stored ".length, "stored ".length + 36);
    expect(lines).toContain(`found ${id} page.warc (${size} bytes)`);
    expect(lines).toContain(`downloaded ${size} bytes`);
    // uploadMany: both pages stored, each its own artifact, in their order.
    expect(lines.filter((line) => line.endsWith(" is in storage")).sort()).toEqual([
      "page 0 is in storage",
      "page 1 is in storage",
    ]);
    const batched = lines.filter((line) => line.startsWith("batched "));
    expect(batched).toHaveLength(2);
    expect(new Set(batched).size).toBe(2);
    expect(lines.at(-1)).toBe("404 artifact_not_found");
  }, 120_000);

  it("upload({ waitUntil: 'verified' }) waits for a verification run, and fails on corrupt bytes", async () => {
    const user = `waits-${Date.now()}`;
    const store = new sdk.ArtifactStoreClient({ baseUrl: stack.url, token: await stack.tokenFor(user) });
    /** An admin's verification run, once the upload tagged `tag` is complete (and waits). */
    const verifyWhenUploaded = async (tag: string, tamper?: (id: string) => Promise<void>) => {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const page = await store.search({ tags: [tag], state: ["uploaded"] });
        const uploaded = page.artifacts[0];
        if (uploaded) {
          await tamper?.(uploaded.id);
          const verified = await stack.api(`/v1/admin/artifacts/${uploaded.id}/verify`, {
            method: "POST",
            token: adminToken,
          });
          expect(verified.status).toBe(200);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${tag} was never uploaded`);
    };

    const bytes = randomBytes(INLINE_VERIFY_MAX + MiB);
    const [artifact] = await Promise.all([
      store.upload(bytes, {
        filename: "waits.bin",
        tags: ["waits"],
        waitUntil: "verified",
        waitTimeoutMs: 60_000,
      }),
      verifyWhenUploaded("waits"),
    ]);
    expect(artifact).toMatchObject({
      state: "verified",
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });

    const overwrite = async (id: string) => {
      const record = await stack.runtime.catalog.findArtifact(id);
      await stack.s3.send(
        new PutObjectCommand({
          Bucket: stack.bucket,
          Key: record?.objectKey ?? "",
          Body: randomBytes(bytes.length),
        }),
      );
    };
    const [failure] = await Promise.all([
      store
        .upload(randomBytes(bytes.length), {
          filename: "tampered.bin",
          tags: ["tampered"],
          waitUntil: "verified",
        })
        .catch((error: unknown) => error),
      verifyWhenUploaded("tampered", overwrite),
    ]);
    expect(failure).toBeInstanceOf(sdk.ArtifactCorruptError);
    expect(failure).toMatchObject({ code: "artifact_corrupt", reason: "sha256_mismatch" });

    const timedOut = await store
      .upload(randomBytes(bytes.length), {
        filename: "unverified.bin",
        waitUntil: "verified",
        waitTimeoutMs: 500,
      })
      .catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(sdk.VerificationTimeoutError);
    expect((timedOut as Sdk.VerificationTimeoutError).artifact.state).toBe("uploaded");
  }, 120_000);

  it("searchAll walks every page; errors are the package's typed classes", async () => {
    const user = `pages-${Date.now()}`;
    const store = new sdk.ArtifactStoreClient({ baseUrl: stack.url, token: await stack.tokenFor(user) });
    const uploaded = [];
    for (let index = 0; index < 5; index += 1) {
      uploaded.push(
        await store.upload(new TextEncoder().encode(`page ${index}`), { filename: `p${index}.txt` }),
      );
    }
    const seen: string[] = [];
    for await (const artifact of store.searchAll({ limit: 2, sort: "filename", order: "asc" }))
      seen.push(artifact.id);
    expect(seen).toEqual(uploaded.map((artifact) => artifact.id));
    const pages = [];
    for await (const page of store.searchPages({ limit: 2 })) pages.push(page.artifacts.length);
    expect(pages).toEqual([2, 2, 1]);

    const missing = await store.get("00000000-0000-4000-8000-000000000000").catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(sdk.NotFoundError);
    expect(missing).toBeInstanceOf(sdk.ArtifactStoreError);
    expect(missing).toMatchObject({ status: 404, code: "artifact_not_found", requestId: expect.any(String) });
    const invalid = await store.search({ q: "" }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(sdk.BadRequestError);
    expect(sdk.API_ERROR_CODES).toContain((invalid as Sdk.BadRequestError).code);
    const anonymous = new sdk.ArtifactStoreClient({ baseUrl: stack.url });
    expect(
      await anonymous.upload(new Uint8Array(1), { filename: "x" }).catch((error: unknown) => error),
    ).toBeInstanceOf(sdk.AuthenticationError);
  });

  it("webhooks: subscribe, list, receive, see deliveries, redeliver, delete", async () => {
    const received: { type: string; webhookId: string }[] = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const payload = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type: string };
        received.push({ type: payload.type, webhookId: String(request.headers["webhook-id"]) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const user = `hooks-${Date.now()}`;
      const store = new sdk.ArtifactStoreClient({ baseUrl: stack.url, token: await stack.tokenFor(user) });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const webhook = await store.createWebhook({
        url,
        events: ["artifact.verified"],
        filters: { tags: ["sdk"] },
        description: "from the SDK",
      });
      expect(webhook).toMatchObject({ url, events: ["artifact.verified"], state: "active", createdBy: user });
      expect(webhook.secret).toMatch(/^whsec_/);
      const listed = await store.listWebhooks();
      expect(listed.map((each) => each.id)).toEqual([webhook.id]);
      expect(JSON.stringify(listed)).not.toContain(webhook.secret);

      const artifact = await store.upload(new TextEncoder().encode("hooked"), {
        filename: "h.txt",
        tags: ["sdk"],
      });
      await webhooksOf(stack.runtime).deliverDue();
      expect(received.map((message) => message.type)).toEqual(["artifact.verified"]);
      const [delivery] = await store.listWebhookDeliveries(webhook.id);
      expect(delivery).toMatchObject({
        eventType: "artifact.verified",
        artifactId: artifact.id,
        state: "delivered",
      });

      const again = await store.redeliverWebhook(delivery?.id ?? "");
      expect(again.state).toBe("pending");
      await webhooksOf(stack.runtime).deliverDue();
      expect(received.map((message) => message.webhookId)).toEqual([delivery?.id, delivery?.id]);

      await store.deleteWebhook(webhook.id);
      expect(await store.listWebhooks()).toEqual([]);
      expect(await store.deleteWebhook(webhook.id).catch((error: unknown) => error)).toBeInstanceOf(
        sdk.NotFoundError,
      );
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe("in a browser, bundled by Vite", () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it("a page importing the SDK builds, loads, and uploads straight to storage", async () => {
    await writeFile(
      join(project.dir, "index.html"),
      `<!doctype html>
<html>
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>SDK with Vite</title></head>
  <body><script type="module" src="/main.js"></script></body>
</html>
`,
    );
    await writeFile(
      join(project.dir, "main.js"),
      `import { ArtifactStoreClient, NotFoundError } from "@artifact-store/client";

window.uploadThroughSdk = async ({ baseUrl, token, size }) => {
  const chunks = [];
  // getRandomValues fills at most 64 KiB per call.
  for (let offset = 0; offset < size; offset += 65536)
    chunks.push(crypto.getRandomValues(new Uint8Array(Math.min(65536, size - offset))));
  const file = new File(chunks, "from-vite.bin", { type: "application/octet-stream" });
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
  const sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  const store = new ArtifactStoreClient({ baseUrl, token });
  const progress = [];
  const artifact = await store.upload(file, {
    onProgress: (p) => progress.push(p.uploadedBytes),
    waitUntil: "verified",
  });
  const missing = await store.get("00000000-0000-4000-8000-000000000000").catch((error) => error);
  return { artifact, sha256, progress, notFound: missing instanceof NotFoundError ? missing.code : String(missing) };
};
window.sdkLoaded = true;
`,
    );
    const built = await project.run("npx", ["--no-install", "vite", "build", "--logLevel", "warn"]);
    expect(built.stderr + built.stdout).not.toMatch(/externalized for browser compatibility|error/i);
    const dist = join(project.dir, "dist");
    const scripts = (await filesIn(dist)).filter((file) => file.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    let bytes = 0;
    let gzipped = 0;
    for (const script of scripts) {
      const content = await readFile(join(dist, script));
      bytes += (await stat(join(dist, script))).size;
      gzipped += gzipSync(content).length;
      expect(content.toString("utf8"), script).not.toContain("node:");
    }
    console.info(
      `sdk-package: vite build in ${Math.round(built.ms)} ms: ${scripts.join(", ")}, ${bytes} bytes (${gzipped} gzipped)`,
    );

    const site = await serveFolder(dist);
    try {
      browser = await launchChromium();
      const page = await (await browser.newContext()).newPage();
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(site.url);
      await page.waitForFunction(() => "sdkLoaded" in window, null, { timeout: 10_000 });
      const size = 2 * MiB;
      const result = await page
        .evaluate(
          (args) =>
            (
              window as unknown as {
                uploadThroughSdk: (a: typeof args) => Promise<{
                  artifact: Sdk.ArtifactView;
                  sha256: string;
                  progress: number[];
                  notFound: string;
                }>;
              }
            ).uploadThroughSdk(args),
          { baseUrl: stack.url, token: await stack.tokenFor(`vite-${Date.now()}`), size },
        )
        .catch((error: unknown) => {
          throw new Error(`${error}\nbrowser console:\n  ${errors.join("\n  ") || "(nothing)"}`);
        });
      expect(result.artifact).toMatchObject({ size, state: "verified", sha256: result.sha256 });
      expect(result.progress.at(-1)).toBe(size);
      expect(result.notFound).toBe("artifact_not_found");
    } finally {
      await site.close();
    }
  }, 180_000);
});
