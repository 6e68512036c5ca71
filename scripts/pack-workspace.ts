/**
 * Builds a workspace package with its tsdown config and packs it as it is published. Used by each
 * publishable package's `scripts/pack.ts` (the SDK, the Crawlee and Uppy adapters).
 *
 * Inside this repository a workspace package resolves to its TypeScript source (its package.json
 * points there, so vitest, tsx and tsc need no build). The published package is a folder of its
 * own, made here in a temporary directory: the built JavaScript and declarations under dist/, a
 * package.json pointing at them (without `private`, scripts or devDependencies), and a README made
 * from one section of the root README. `npm publish <tarball>` publishes it.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoDir = fileURLToPath(new URL("..", import.meta.url));

/** Where a package's tsdown config writes when packing (else its own dist/). */
export const PACK_OUT_DIR = "PACK_OUT_DIR";

/** The root README's section under `heading`, without the heading: a package README's body. */
export const readmeSection = (readme: string, heading: string): string => {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}" section.`);
  const body = readme.slice(start + heading.length + 2);
  const end = body.search(/^## /m);
  return (end < 0 ? body : body.slice(0, end)).trim();
};

const run = (command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) => {
  const result = spawnSync(command, args, { ...options, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
};

/** The manifest as published: the workspace's, pointing at dist/, without what only the repo uses. */
const publishedManifest = (
  workspace: Record<string, unknown>,
  rootExport: Record<string, string>,
): Record<string, unknown> => {
  const {
    private: _private,
    exports: _exports,
    scripts: _scripts,
    devDependencies: _dev,
    ...kept
  } = workspace;
  const { name, version, description, keywords, license, type, engines, sideEffects, ...rest } = kept;
  return {
    name,
    version,
    description,
    keywords,
    license,
    type,
    engines,
    sideEffects,
    exports: { ".": rootExport, "./package.json": "./package.json" },
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    files: ["dist"],
    ...rest,
  };
};

export interface PackPlan {
  /** The workspace package's folder (the one holding its package.json and tsdown config). */
  packageDir: string;
  /** The root README's heading whose section becomes the package's README. */
  readmeHeading: string;
  /** The published `exports["."]`; `types` and `default` point into dist/. */
  rootExport?: Record<string, string>;
}

/** Builds and packs the package into `destination`; resolves to the tarball's path. */
export const packWorkspace = async (plan: PackPlan, destination: string): Promise<string> => {
  const staging = await mkdtemp(join(tmpdir(), "artifact-store-pack-"));
  try {
    run("npx", ["--no-install", "tsdown", "--log-level", "warn"], {
      cwd: plan.packageDir,
      env: { ...process.env, [PACK_OUT_DIR]: join(staging, "dist") },
    });
    const workspace = JSON.parse(await readFile(join(plan.packageDir, "package.json"), "utf8"));
    const rootExport = plan.rootExport ?? { types: "./dist/index.d.ts", default: "./dist/index.js" };
    await writeFile(
      join(staging, "package.json"),
      `${JSON.stringify(publishedManifest(workspace, rootExport), null, 2)}\n`,
    );
    const readme = readmeSection(await readFile(join(repoDir, "README.md"), "utf8"), plan.readmeHeading);
    await writeFile(
      join(staging, "README.md"),
      `# ${workspace.name}\n\n${workspace.description}\n\n${readme}\n`,
    );
    await mkdir(destination, { recursive: true });
    const packed = JSON.parse(
      run("npm", ["pack", staging, "--json", "--pack-destination", resolve(destination)], { cwd: staging }),
    ) as { filename: string }[];
    const filename = packed[0]?.filename;
    if (!filename) throw new Error("npm pack named no tarball.");
    return join(resolve(destination), filename);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
};

/** Runs a package's pack script: `npm run pack -w packages/X -- [destination folder]` prints the path. */
export const packFromCommandLine = async (
  scriptUrl: string,
  pack: (destination: string) => Promise<string>,
) => {
  if (process.argv[1] && fileURLToPath(scriptUrl) === resolve(process.argv[1])) {
    console.log(await pack(process.argv[2] ?? process.cwd()));
  }
};
