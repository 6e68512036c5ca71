/**
 * Builds @artifact-store/client and packs it as it is published:
 * `npm run pack -w packages/client -- [destination folder]` prints the tarball's path.
 *
 * Inside this repository the package resolves to its TypeScript source (its package.json points
 * there, so vitest, tsx and tsc need no build). The published package is a folder of its own,
 * made here in a temporary directory: the built JavaScript and declarations under dist/, a
 * package.json pointing at them (without `private`), and a README made from the root README's
 * SDK section. `npm publish <tarball>` publishes it.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = resolve(packageDir, "../..");

/** The heading of the root README's section that is the package's README. */
export const SDK_SECTION = "## Uploading with the SDK";

/** The root README's SDK section, without its heading: the package README's body. */
export const sdkSection = (readme: string): string => {
  const start = readme.indexOf(`\n${SDK_SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no "${SDK_SECTION}" section.`);
  const body = readme.slice(start + SDK_SECTION.length + 2);
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
const publishedManifest = (workspace: Record<string, unknown>): Record<string, unknown> => {
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
    exports: {
      ".": {
        types: "./dist/index.d.ts",
        // Bundlers building for browsers take the build without Node's modules in it.
        browser: "./dist/browser.js",
        default: "./dist/index.js",
      },
      "./package.json": "./package.json",
    },
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    files: ["dist"],
    ...rest,
  };
};

/** Builds and packs the SDK into `destination`; resolves to the tarball's path. */
export const packClient = async (destination: string): Promise<string> => {
  const staging = await mkdtemp(join(tmpdir(), "artifact-store-client-"));
  try {
    run("npx", ["--no-install", "tsdown", "--log-level", "warn"], {
      cwd: packageDir,
      env: { ...process.env, CLIENT_OUT_DIR: join(staging, "dist") },
    });
    const workspace = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8"));
    await writeFile(
      join(staging, "package.json"),
      `${JSON.stringify(publishedManifest(workspace), null, 2)}\n`,
    );
    const readme = sdkSection(await readFile(join(repoDir, "README.md"), "utf8"));
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

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(await packClient(process.argv[2] ?? process.cwd()));
}
