/**
 * Builds @artifact-store/crawlee and packs it as it is published:
 * `npm run pack -w packages/crawlee -- [destination folder]` prints the tarball's path.
 *
 * As with the SDK (packages/client/scripts/pack.ts), the workspace package points at its
 * TypeScript source; the published one is made in a temporary folder: dist/, a package.json
 * pointing there (without `private`), and a README made from the root README's Crawlee section.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = resolve(packageDir, "../..");

export const CRAWLEE_SECTION = "## Crawlee";

/** The root README's Crawlee section, without its heading. */
export const crawleeSection = (readme: string): string => {
  const start = readme.indexOf(`\n${CRAWLEE_SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no "${CRAWLEE_SECTION}" section.`);
  const body = readme.slice(start + CRAWLEE_SECTION.length + 2);
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

const publishedManifest = (workspace: Record<string, unknown>): Record<string, unknown> => {
  const {
    private: _private,
    exports: _exports,
    scripts: _scripts,
    devDependencies: _dev,
    ...kept
  } = workspace;
  return {
    ...kept,
    exports: {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./package.json": "./package.json",
    },
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    files: ["dist"],
  };
};

/** Builds and packs the adapter into `destination`; resolves to the tarball's path. */
export const packCrawlee = async (destination: string): Promise<string> => {
  const staging = await mkdtemp(join(tmpdir(), "artifact-store-crawlee-"));
  try {
    run("npx", ["--no-install", "tsdown", "--log-level", "warn"], {
      cwd: packageDir,
      env: { ...process.env, CRAWLEE_OUT_DIR: join(staging, "dist") },
    });
    const workspace = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8"));
    await writeFile(
      join(staging, "package.json"),
      `${JSON.stringify(publishedManifest(workspace), null, 2)}\n`,
    );
    const readme = crawleeSection(await readFile(join(repoDir, "README.md"), "utf8"));
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
  console.log(await packCrawlee(process.argv[2] ?? process.cwd()));
}
