import { access, constants } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type * as Sdk from "@artifact-store/client";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM_PATH } from "../../packages/local/src/chromium";
import { serveOnLoopback } from "./static-site";

/** The page's window once its module script has loaded the SDK bundle. */
export type SdkWindow = Window & { artifactStore: typeof Sdk };

// Debian's Chromium (`npm test` installs it through ensureChromium), never a Playwright download.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox", // required as root
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Headless Chromium; Playwright gives every launch a fresh temporary user-data-dir of its own. */
export const launchChromium = async (): Promise<Browser> => {
  const installed = await access(CHROMIUM_PATH, constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!installed) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: run \`npm test\` (it installs it), or as root ` +
        "`apt-get update && apt-get install -y --no-install-recommends chromium`.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
};

export interface SdkSite {
  /** The origin serving the page: not the API's, so every API and storage call is cross-origin. */
  url: string;
  close: () => Promise<void>;
}

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>SDK in a browser</title></head>
  <body>
    <script type="module">
      import * as sdk from "/client.js";
      window.artifactStore = sdk;
    </script>
  </body>
</html>`;

/** Bundles the client SDK for browsers, in memory, and serves it with a page that loads it. */
export const serveSdkPage = async (): Promise<SdkSite> => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("../../packages/client/src/index.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    // Reached only for file paths and streams, which a browser upload never passes.
    external: ["node:*"],
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]?.contents;
  if (!script) throw new Error("esbuild produced no SDK bundle.");

  return serveOnLoopback((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    } else if (path === "/client.js") {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script);
    } else {
      response.writeHead(404).end();
    }
  });
};

export interface SdkPage {
  page: Page;
  /** Console errors and uncaught exceptions: where a browser reports CORS refusals. */
  errors: string[];
  /** Every request the page made, to see where the bytes went. */
  requests: { method: string; url: string }[];
}

/** A fresh page with the SDK loaded as `window.artifactStore`. */
export const openSdkPage = async (browser: Browser, site: SdkSite): Promise<SdkPage> => {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  const requests: SdkPage["requests"] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => requests.push({ method: request.method(), url: request.url() }));
  await page.goto(site.url);
  await page
    .waitForFunction(() => "artifactStore" in window, null, { timeout: 10_000 })
    .catch(() => {
      throw new Error(`The SDK bundle did not load in the page: ${errors.join("; ") || "no error reported"}`);
    });
  return { page, errors, requests };
};

/**
 * For `.catch` on page calls: a failed fetch only says "Failed to fetch" in the page, while the
 * reason (a CORS refusal, say) is in the console, so the error carries what the console said.
 */
export const withPageErrors =
  (sdk: SdkPage) =>
  (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\nbrowser console:\n  ${sdk.errors.join("\n  ") || "(nothing)"}`);
  };
