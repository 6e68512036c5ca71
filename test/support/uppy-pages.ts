import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { serveOnLoopback } from "./static-site";

export type UppyMajor = 5 | 6;

const README = new URL("../../README.md", import.meta.url);

/** Where the README's token function asks the page's own server for the token, as an app's session would. */
export const TOKEN_PATH = "/session/artifact-store-token";
/** The cookie the test signs a browser context in with: the page's server answers it at TOKEN_PATH. */
export const SESSION_COOKIE = "store-session";

/**
 * The README's Uppy example as it stands, token function included, but for where the API is (the
 * test puts it on `window` before the page loads); Uppy 5 calls artifactStoreS3v5 instead.
 */
const readmeExample = async (major: UppyMajor): Promise<string> => {
  const readme = await readFile(README, "utf8");
  const block = /## Uppy\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no js block under ## Uppy.");
  const replaced = block.replace(/^const API = .*$/m, "const API = window.storeEndpoint;");
  if (!replaced.includes("window.storeEndpoint") || !replaced.includes(TOKEN_PATH)) {
    throw new Error(
      `The README's Uppy example no longer has its \`const API\` line, or no longer asks ${TOKEN_PATH}.`,
    );
  }
  return major === 6 ? replaced : replaced.replaceAll("artifactStoreS3", "artifactStoreS3v5");
};

/** What the test reads of the page, from Uppy's own events, as `window.uppyReport`. */
const REPORTING = `
const report = { version: Uppy.VERSION, artifactIds: [], errors: [], completed: 0, partsUploaded: 0 };
window.uppyReport = report;
window.uppy = uppy;
uppy.on("upload-error", (_file, error) => report.errors.push(String(error?.message ?? error)));
uppy.on("error", (error) => report.errors.push(String(error?.message ?? error)));
uppy.on("s3-multipart:part-uploaded", () => { report.partsUploaded += 1; });
uppy.on("complete", () => {
  report.artifactIds = uppy.getFiles().map((file) => file.meta.artifactId).filter(Boolean);
  report.completed += 1;
});
`;

const PAGE = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8"><link rel="icon" href="data:,"><title>Uppy into the artifact store</title>
    <link rel="stylesheet" href="/page.css">
  </head>
  <body><div id="uppy"></div><script type="module" src="/page.js"></script></body>
</html>`;

/** Where the page's imports resolve: Uppy 6 beside this package, Uppy 5 in its fixture workspace. */
const RESOLVE_DIR: Record<UppyMajor, string> = {
  6: fileURLToPath(new URL("../../packages/uppy", import.meta.url)),
  5: fileURLToPath(new URL("../../packages/uppy5-fixture", import.meta.url)),
};

const bundle = async (
  options: Parameters<typeof build>[0],
): Promise<{ js: Uint8Array; css?: Uint8Array }> => {
  const built = await build({
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    outdir: "/bundle",
    // The SDK's Node-only paths (reached behind `isNode`), which the adapter's digest helper never takes.
    external: ["node:*"],
    logLevel: "silent",
    ...options,
  });
  const js = built.outputFiles?.find((file) => file.path.endsWith(".js"))?.contents;
  if (!js) throw new Error("esbuild produced no bundle.");
  const css = built.outputFiles?.find((file) => file.path.endsWith(".css"))?.contents;
  return css ? { js, css } : { js };
};

export interface UppySite {
  url: string;
  close: () => Promise<void>;
}

/**
 * The page bundled for Uppy `major`, with its styles, and the package's hashing worker beside it
 * as `/hash-worker.js` (where `new URL("./hash-worker.js", import.meta.url)` finds it), and the
 * token at TOKEN_PATH for the session cookie's holder.
 */
export const serveUppyPage = async (major: UppyMajor): Promise<UppySite> => {
  const source = `${await readmeExample(major)}\n${REPORTING}`;
  const [page, worker] = await Promise.all([
    bundle({
      stdin: { contents: source, resolveDir: RESOLVE_DIR[major], loader: "js", sourcefile: "page.js" },
    }),
    bundle({
      entryPoints: [fileURLToPath(new URL("../../packages/uppy/src/hash-worker.ts", import.meta.url))],
    }),
  ]);
  return serveOnLoopback((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const js = { "content-type": "text/javascript; charset=utf-8" };
    if (path === "/") response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    else if (path === "/page.js") response.writeHead(200, js).end(page.js);
    else if (path === "/page.css")
      response.writeHead(200, { "content-type": "text/css" }).end(page.css ?? "");
    else if (path === "/hash-worker.js") response.writeHead(200, js).end(worker.js);
    else if (path === TOKEN_PATH) {
      const session = new RegExp(`(?:^|; )${SESSION_COOKIE}=([^;]*)`).exec(request.headers.cookie ?? "")?.[1];
      if (session) response.writeHead(200, { "content-type": "text/plain" }).end(decodeURIComponent(session));
      else response.writeHead(401).end();
    } else response.writeHead(404).end();
  });
};
