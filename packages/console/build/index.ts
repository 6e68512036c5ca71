// The console's build as Node sees it: where it lands, whether it is current, and building it, so
// `npm start` and the tests serve a build of the sources they run with (never a stale one).
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const CONSOLE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CONSOLE_DIST = join(CONSOLE_ROOT, "dist");

/** What the build is made of: the console's sources and the SDK's, which it bundles. */
const SOURCES = [
  join(CONSOLE_ROOT, "src"),
  join(CONSOLE_ROOT, "index.html"),
  join(CONSOLE_ROOT, "vite.config.ts"),
  join(CONSOLE_ROOT, "package.json"),
  resolve(CONSOLE_ROOT, "../client/src"),
];

const newestChange = async (path: string): Promise<number> => {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestChange(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
};

/** The build exists and is newer than every source it is made of. */
export const consoleBuildIsCurrent = async (): Promise<boolean> => {
  const built = await stat(join(CONSOLE_DIST, "index.html")).then(
    (info) => info.mtimeMs,
    () => null,
  );
  if (built === null) return false;
  const sources = await Promise.all(SOURCES.map(newestChange));
  return built >= Math.max(...sources);
};

/**
 * Builds the console with Vite into dist/. It builds into a folder of its own first and then
 * swaps it in, so a server (or a second build running at once) never sees half a build.
 */
export const buildConsole = async (options: { apiUrl?: string } = {}): Promise<void> => {
  const { build } = await import("vite");
  const staging = `${CONSOLE_DIST}.${randomUUID().slice(0, 8)}`;
  const apiUrlBefore = process.env.VITE_API_URL;
  if (options.apiUrl !== undefined) process.env.VITE_API_URL = options.apiUrl;
  try {
    await build({
      configFile: join(CONSOLE_ROOT, "vite.config.ts"),
      root: CONSOLE_ROOT,
      logLevel: "warn",
      build: { outDir: staging, emptyOutDir: true },
    });
  } finally {
    if (options.apiUrl !== undefined) {
      if (apiUrlBefore === undefined) delete process.env.VITE_API_URL;
      else process.env.VITE_API_URL = apiUrlBefore;
    }
  }
  const old = `${CONSOLE_DIST}.old-${randomUUID().slice(0, 8)}`;
  await rename(CONSOLE_DIST, old).catch(() => {});
  await rename(staging, CONSOLE_DIST);
  await rm(old, { recursive: true, force: true });
};

const LOCK = `${CONSOLE_DIST}.lock`;
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 5 * 60_000;

/** One build at a time on this machine (two test projects, or a test beside `npm start`). */
const withBuildLock = async <T>(work: () => Promise<T>): Promise<T> => {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const since = await stat(LOCK).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
};

/** Builds the console when its build is missing or older than its sources; says so when it does. */
export const ensureConsoleBuilt = async (log: (line: string) => void = () => {}): Promise<void> => {
  if (await consoleBuildIsCurrent()) return;
  await withBuildLock(async () => {
    if (await consoleBuildIsCurrent()) return; // built meanwhile by whoever held the lock
    const started = performance.now();
    log("building the web console (its build is missing or older than its sources)...");
    await buildConsole();
    log(`web console built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
};

export interface BuiltAsset {
  /** Relative to dist/. */
  file: string;
  kind: "js" | "css";
  bytes: number;
  gzipBytes: number;
  /** Loaded by index.html itself, not later on demand. */
  initial: boolean;
}

/**
 * The scripts and stylesheets of the build, with their gzip sizes. Initial: what index.html loads
 * (its module script, its stylesheets and module preloads); the rest loads on demand.
 */
export const builtAssets = async (): Promise<BuiltAsset[]> => {
  const html = await readFile(join(CONSOLE_DIST, "index.html"), "utf8");
  const referenced = new Set(
    [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((match) => match[1] ?? ""),
  );
  const files = await listFiles(CONSOLE_DIST);
  const assets: BuiltAsset[] = [];
  for (const path of files) {
    const file = relative(CONSOLE_DIST, path);
    const kind = file.endsWith(".js") ? "js" : file.endsWith(".css") ? "css" : null;
    if (!kind) continue;
    const content = await readFile(path);
    assets.push({
      file,
      kind,
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
      initial: referenced.has(file),
    });
  }
  return assets.sort((a, b) => a.file.localeCompare(b.file));
};

const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
    ),
  );
  return nested.flat();
};
