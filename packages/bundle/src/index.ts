// Bundles a function exactly as SST's Node runtime does for `sst deploy` (pkg/runtime/node/build.go
// in sst/sst: esbuild, platform node, ESM with a createRequire banner, main fields module/main,
// keepNames, minified, `sharp` and `pg-native` always external plus `nodejs.esbuild.external`),
// so sizes and cold imports measured here are those of the deployed code. The one deliberate
// difference: target node20 (the Lambda runtime) where SST passes esnext; for this code base,
// which compiles to ES2022, the output is the same.
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { builtinModules } from "node:module";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { LAMBDA_EXTERNAL } from "@artifact-store/manifest";
import { type BuildOptions, build, type Metafile } from "esbuild";
import lambdaPlugins from "../lambda-plugins.mjs";

/** What SST's Node runtime always leaves out of a bundle. */
export const SST_FORCE_EXTERNAL: readonly string[] = ["sharp", "pg-native"];

/** The banner SST prepends to ESM bundles, so CommonJS dependencies find `require` and `__dirname`. */
export const SST_ESM_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  "const require = topLevelCreateRequire(import.meta.url);",
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  "const __filename = topLevelFileUrlToPath(import.meta.url)",
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");

/**
 * The esbuild options of a deployed function (sst.config.ts: format esm, minify, LAMBDA_EXTERNAL,
 * and the plugins of lambda-plugins.mjs).
 */
export const lambdaBuildOptions = (outfile: string, external: readonly string[] = LAMBDA_EXTERNAL) =>
  ({
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    mainFields: ["module", "main"],
    keepNames: true,
    minify: true,
    sourcemap: false,
    metafile: true,
    write: true,
    outfile,
    external: [...SST_FORCE_EXTERNAL, ...external],
    banner: { js: SST_ESM_BANNER },
    plugins: lambdaPlugins,
    logLevel: "silent",
  }) satisfies BuildOptions;

/** Where a bundle's bytes come from: an npm package (`@aws-sdk/client-s3`), a workspace package, or a file. */
export const sourceOf = (input: string): string => {
  const path = input.split(sep).join("/");
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const [scope, name] = path.slice(modules + "node_modules/".length).split("/");
    return scope?.startsWith("@") ? `${scope}/${name}` : (scope ?? path);
  }
  const workspace = /(?:^|\/)packages\/([^/]+)\//.exec(path);
  if (workspace) return `@artifact-store/${workspace[1]}`;
  return path;
};

/** AWS SDK v3 and the Smithy runtime it is built on. */
export const isAwsSdk = (source: string): boolean =>
  source.startsWith("@aws-sdk/") || source.startsWith("@smithy/") || source.startsWith("@aws-crypto/");

export interface Contributor {
  source: string;
  bytes: number;
}

export interface Bundle {
  outfile: string;
  /** Size of the bundle file. */
  bytes: number;
  includesAwsSdk: boolean;
  /** Bytes in the output per source (npm package, workspace package or file), largest first. */
  contributors: Contributor[];
  /** Imports left out of the bundle (the externals this function reaches), Node built-ins aside. */
  externalImports: string[];
  metafile: Metafile;
}

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (path: string) => {
  const name = path.replace(/^node:/, "");
  return NODE_BUILTINS.has(name) || NODE_BUILTINS.has(name.split("/")[0] ?? "");
};

const summarize = (outfile: string, metafile: Metafile): Bundle => {
  const output = Object.entries(metafile.outputs).find(([path]) => resolve(path) === resolve(outfile));
  if (!output) throw new Error(`esbuild reported no output ${outfile}`);
  const [, meta] = output;
  const bySource = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
    const source = sourceOf(input);
    bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
  }
  const contributors = [...bySource]
    .map(([source, bytes]) => ({ source, bytes }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const externalImports = [
    ...new Set(meta.imports.filter((i) => i.external && !isNodeBuiltin(i.path)).map((i) => i.path)),
  ]
    // `<runtime>` is esbuild's own helper module, not an import.
    .filter((path) => !path.startsWith("<"))
    .sort();
  return {
    outfile,
    bytes: meta.bytes,
    includesAwsSdk: contributors.some(({ source }) => isAwsSdk(source)),
    contributors,
    externalImports,
    metafile,
  };
};

type BundleOptions = { root?: string; external?: readonly string[] };

/** One bundle to `outfile`, from a module file or from source text. */
const bundleOne = async (
  input: Pick<BuildOptions, "entryPoints" | "stdin">,
  outfile: string,
  root: string,
  external: readonly string[] | undefined,
): Promise<Bundle> => {
  await mkdir(join(outfile, ".."), { recursive: true });
  const result = await build({ ...lambdaBuildOptions(outfile, external), ...input, absWorkingDir: root });
  return summarize(outfile, result.metafile);
};

/** Bundles a function module (a path from `root`) to `outfile` as a deployed Lambda would get it. */
export const bundleFunction = (
  module: string,
  outfile: string,
  options: BundleOptions = {},
): Promise<Bundle> => {
  const root = options.root ?? process.cwd();
  return bundleOne({ entryPoints: [resolve(root, module)] }, outfile, root, options.external);
};

/**
 * Bundles many functions in one esbuild run (each output is still a whole, separate bundle, as
 * without `splitting`; parsing is shared, so this is much faster than one run per function).
 * Outputs are `outDir/<name>.mjs`.
 */
export const bundleFunctions = async (
  entries: readonly { name: string; module: string }[],
  outDir: string,
  options: BundleOptions = {},
): Promise<Map<string, Bundle>> => {
  const root = options.root ?? process.cwd();
  await mkdir(outDir, { recursive: true });
  const { outfile: _, ...shared } = lambdaBuildOptions("", options.external);
  const result = await build({
    ...shared,
    entryPoints: entries.map(({ name, module }) => ({ in: resolve(root, module), out: name })),
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    absWorkingDir: root,
  });
  return new Map(
    entries.map(({ name }) => [name, summarize(join(outDir, `${name}.mjs`), result.metafile)] as const),
  );
};

/** Bundles source text (a baseline such as a bare Hono app), resolving its imports from `root`. */
export const bundleSource = (
  source: string,
  outfile: string,
  options: BundleOptions = {},
): Promise<Bundle> => {
  const root = options.root ?? process.cwd();
  const stdin = { contents: source, resolveDir: root, loader: "ts" as const, sourcefile: "baseline.ts" };
  return bundleOne({ stdin }, outfile, root, options.external);
};

/** Milliseconds a fresh `node` process spends in `await import(bundle)`; the module must export `handler`. */
export const coldImportOnce = (file: string): Promise<number> =>
  new Promise((done, fail) => {
    const script = [
      `const started = performance.now();`,
      `const module = await import(${JSON.stringify(pathToFileURL(file).href)});`,
      `const ms = performance.now() - started;`,
      `if (typeof module.handler !== "function") throw new Error("no handler export");`,
      `process.stdout.write(String(ms));`,
    ].join("\n");
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: join(file, ".."),
      // Nothing from this shell that could change what the module does at import.
      env: { PATH: process.env.PATH ?? "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", fail);
    child.on("close", (code) => {
      const ms = Number(out);
      if (code === 0 && Number.isFinite(ms)) done(ms);
      else fail(new Error(`cold import of ${relative(process.cwd(), file)} failed (${code}): ${err.trim()}`));
    });
  });

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
