import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { packClient, sdkSection } from "../../packages/client/scripts/pack";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../..", import.meta.url));

/** What a consumer project installs beside the SDK: Vite as the notes for this machine advise. */
export const VITE = "vite@8.3.8";

const versionOf = async (name: string): Promise<string> =>
  JSON.parse(await readFile(join(repo, "node_modules", name, "package.json"), "utf8")).version;

export interface CommandResult {
  stdout: string;
  stderr: string;
  ms: number;
}

export interface ConsumerProject {
  /** A folder outside the repository, with the packed SDK installed from its tarball. */
  dir: string;
  tarball: string;
  /** Runs a command in the project; fails with its output when it exits non-zero. */
  run: (command: string, args: string[], env?: Record<string, string>) => Promise<CommandResult>;
  /** How long packing and installing took. */
  timings: { packMs: number; installMs: number };
  close: () => Promise<void>;
}

/**
 * Packs the SDK as it is published and installs the tarball (with Vite, and TypeScript and Node's
 * types to check what a TypeScript user gets) into a fresh project in the temporary folder, from
 * the npm registry like anyone's: nothing of this repository is on its module path.
 */
export const createConsumerProject = async (): Promise<ConsumerProject> => {
  const dir = await mkdtemp(join(tmpdir(), "sdk-consumer-"));
  const inProject = async (command: string, args: string[], env: Record<string, string> = {}) => {
    const started = performance.now();
    try {
      const { stdout, stderr } = await run(command, args, {
        cwd: dir,
        env: { ...process.env, ...env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 240_000,
      });
      return { stdout, stderr, ms: performance.now() - started };
    } catch (error) {
      const failed = error as Error & { stdout?: string; stderr?: string };
      throw new Error(
        `${command} ${args.join(" ")} failed in ${dir}: ${failed.message}\n${failed.stdout ?? ""}${failed.stderr ?? ""}`,
      );
    }
  };
  try {
    const packStarted = performance.now();
    const tarball = await packClient(dir);
    const packMs = performance.now() - packStarted;
    await writeFile(
      join(dir, "package.json"),
      `${JSON.stringify({ name: "sdk-consumer", private: true, type: "module" }, null, 2)}\n`,
    );
    const installed = await inProject("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      tarball,
      VITE,
      `typescript@${await versionOf("typescript")}`,
      `@types/node@${await versionOf("@types/node")}`,
    ]);
    return {
      dir,
      tarball,
      run: inProject,
      timings: { packMs, installMs: installed.ms },
      close: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
};

/** The ```ts blocks of the README's SDK section, in order: the first is the example the README promises runs. */
export const readmeSdkBlocks = async (): Promise<string[]> => {
  const section = sdkSection(await readFile(join(repo, "README.md"), "utf8"));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
};
