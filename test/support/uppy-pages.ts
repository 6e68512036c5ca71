import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { serveOnLoopback } from "./static-site";

export type UppyMajor = 5 | 6;

/**
 * What a page holds, as the README's example sets it up: Uppy, its Dashboard, Golden Retriever
 * and @uppy/aws-s3 with this package's options. `window.startUppy` runs it; the test reads
 * what Uppy and the adapter report from `window.uppyReport`.
 */
const UPPY_IMPORTS: Record<UppyMajor, string> = {
  6: `import Uppy from "@uppy/core";
import Dashboard from "@uppy/dashboard";
import AwsS3 from "@uppy/aws-s3";
import GoldenRetriever from "@uppy/golden-retriever";`,
  5: `import { AwsS3, Dashboard, GoldenRetriever, Uppy } from "@artifact-store/uppy5-fixture";`,
};

const entry = (major: UppyMajor) => `
${UPPY_IMPORTS[major]}
import { ${major === 6 ? "artifactStoreS3" : "artifactStoreS3v5"} as storeOptions } from "@artifact-store/uppy";

const report = { version: Uppy.VERSION, artifacts: [], errors: [], completed: 0, partsUploaded: 0 };
window.uppyReport = report;
window.startUppy = ({ endpoint, token }) => {
  const uppy = new Uppy({ id: "artifact-store" })
    .use(Dashboard, { inline: true, target: "#app" })
    .use(GoldenRetriever, { serviceWorker: false, indexedDB: { maxFileSize: 64 * 1024 * 1024 } });
  uppy.use(AwsS3, storeOptions(uppy, {
    endpoint,
    token,
    onArtifact: (_fileId, artifact) => report.artifacts.push(artifact),
  }));
  uppy.on("upload-error", (_file, error) => report.errors.push(String(error?.message ?? error)));
  uppy.on("s3-multipart:part-uploaded", () => { report.partsUploaded += 1; });
  uppy.on("complete", () => { report.completed += 1; });
  window.uppy = uppy;
};
`;

const PAGE = `<!doctype html>
<html>
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Uppy into the artifact store</title></head>
  <body><div id="app"></div><script type="module" src="/page.js"></script></body>
</html>`;

/** Where the page's imports resolve: Uppy 6 beside this package (Uppy 5 through its fixture workspace). */
const RESOLVE_DIR = fileURLToPath(new URL("../../packages/uppy", import.meta.url));

const bundle = async (options: Parameters<typeof build>[0]): Promise<Uint8Array> => {
  const built = await build({
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    loader: { ".css": "css" },
    ...options,
  });
  const script = built.outputFiles?.[0]?.contents;
  if (!script) throw new Error("esbuild produced no bundle.");
  return script;
};

export interface UppySite {
  url: string;
  close: () => Promise<void>;
}

/**
 * The page bundled for Uppy `major`, and the package's hashing worker beside it as
 * `/hash-worker.js` (where `new URL("./hash-worker.js", import.meta.url)` finds it).
 */
export const serveUppyPage = async (major: UppyMajor): Promise<UppySite> => {
  const [page, worker] = await Promise.all([
    bundle({ stdin: { contents: entry(major), resolveDir: RESOLVE_DIR, loader: "js" } }),
    bundle({
      entryPoints: [fileURLToPath(new URL("../../packages/uppy/src/hash-worker.ts", import.meta.url))],
    }),
  ]);
  return serveOnLoopback((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const js = { "content-type": "text/javascript; charset=utf-8" };
    if (path === "/") response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    else if (path === "/page.js") response.writeHead(200, js).end(page);
    else if (path === "/hash-worker.js") response.writeHead(200, js).end(worker);
    else response.writeHead(404).end();
  });
};
