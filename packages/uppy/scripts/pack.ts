/**
 * Builds @artifact-store/uppy and packs it as it is published, as the SDK's pack script does:
 * `npm run pack -w packages/uppy -- [destination folder]` prints the tarball's path. The package
 * holds dist/ (index.js, the hashing worker beside it, one .d.ts), a package.json pointing there,
 * and a README made from the root README's Uppy section.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = resolve(packageDir, "../..");
const SECTION = "## Uppy";

const section = (readme: string): string => {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section.`);
  const body = readme.slice(start + SECTION.length + 2);
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

/** The workspace manifest without what only the repository uses, pointing at dist/. */
const publishedManifest = (workspace: Record<string, unknown>): Record<string, unknown> => {
  const { private: _p, exports: _e, scripts: _s, devDependencies: _d, ...kept } = workspace;
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

export const packUppy = async (destination: string): Promise<string> => {
  const staging = await mkdtemp(join(tmpdir(), "artifact-store-uppy-"));
  try {
    run("npx", ["--no-install", "tsdown", "--log-level", "warn"], {
      cwd: packageDir,
      env: { ...process.env, UPPY_OUT_DIR: join(staging, "dist") },
    });
    const workspace = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8"));
    await writeFile(
      join(staging, "package.json"),
      `${JSON.stringify(publishedManifest(workspace), null, 2)}\n`,
    );
    const readme = section(await readFile(join(repoDir, "README.md"), "utf8"));
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
  console.log(await packUppy(process.argv[2] ?? process.cwd()));
}
