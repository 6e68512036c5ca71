// Folder upload through the CLI (issues 15 and 16): a folder of 1,000 small files uploaded by
// `artifact-store upload -r` (through the batch calls, and with --no-batch one file at a time)
// against the SDK's `upload` called in a loop, one file after another, the baseline, over the
// same files in the same run. Each row uploads as a user of its own, so
// no row meets another's artifacts (deduplication is per owner). CLI rows are timed from the
// process start (what a person waits for) and by the CLI's own summary (without Node's start).
// `npx tsx scripts/bench-cli.ts` runs it alone.
// Prints a table; asserts nothing.
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient } from "@artifact-store/client";
import pMap from "p-map";
import { runAlone, say, timed, withBenchStack, withScratchDir } from "./bench-stack";
import { printTable } from "./bench-table";

const FILES = Number(process.env.BENCH_CLI_FILES ?? 1000);
/** Small files: a scraper's pages and JSON, 1-16 KiB. */
const SIZES = [1024, 2048, 4096, 8192, 16384];
const CLI = resolve("packages/cli/bin/artifact-store.js");

export const benchCli = async (): Promise<void> => {
  await withScratchDir("artifact-bench-cli-", (workDir) =>
    // Many small uploads from one address: the signing limit is not what is measured here.
    withBenchStack("cli", { RATE_LIMIT_SIGNING_PER_MINUTE: "1000000" }, async (api) => {
      const folder = join(workDir, "crawl");
      const paths: string[] = [];
      let bytes = 0;
      for (let n = 0; n < FILES; n += 1) {
        const sub = join(folder, `site-${n % 10}`);
        if (n < 10) await mkdir(sub, { recursive: true });
        const size = SIZES[n % SIZES.length] ?? 1024;
        const path = join(sub, `page-${n}.html`);
        await writeFile(path, randomBytes(size));
        paths.push(path);
        bytes += size;
      }
      say(`uploading a folder of ${FILES} files (${(bytes / 1024 / 1024).toFixed(1)} MiB, 1-16 KiB each)`);
      const tokenFor = (sub: string) =>
        signToken(api.config.auth, { sub: `${sub}-${randomUUID().slice(0, 6)}` });
      const clientFor = async (sub: string) =>
        new ArtifactStoreClient({ baseUrl: api.url, token: await tokenFor(sub) });

      const sdkLoop = await clientFor("sdk-loop");
      const loop = await timed(async () => {
        for (const path of paths) await sdkLoop.upload(path, { contentType: "text/html" });
      });
      const sdkPool = await clientFor("sdk-pool");
      const pool = await timed(() =>
        pMap(paths, (path) => sdkPool.upload(path, { contentType: "text/html" }), { concurrency: 8 }),
      );

      const sdkBatches = await clientFor("sdk-batches");
      const batches = await timed(async () => {
        const results = await sdkBatches.uploadMany(
          paths.map((path) => ({ source: path, options: { contentType: "text/html" } })),
        );
        const failed = results.filter((result) => !result.ok).length;
        if (failed > 0) throw new Error(`uploadMany failed ${failed} files`);
      });

      const cli = async (token: string, configHome: string, extra: string[] = []) => {
        const run = await timed(() =>
          promisify(execFile)("node", [CLI, "upload", "-r", folder, "--json", ...extra], {
            env: {
              ...process.env,
              ARTIFACT_STORE_URL: api.url,
              ARTIFACT_STORE_TOKEN: token,
              XDG_CONFIG_HOME: configHome,
            },
            maxBuffer: 256 * 1024 * 1024,
          }),
        );
        const summary = JSON.parse(run.value.stdout.trim().split("\n").at(-1) ?? "{}") as {
          uploaded: number;
          skipped: number;
          failed: number;
          seconds: number;
        };
        if (summary.failed > 0) throw new Error(`the CLI failed ${summary.failed} files`);
        return { wall: run.seconds, own: summary.seconds, summary };
      };
      const home = (name: string) => mkdtemp(join(workDir, `${name}-`));
      const one = await cli(await tokenFor("cli-1"), await home("cli-1"), [
        "--concurrency",
        "1",
        "--no-batch",
      ]);
      const unbatched = await cli(await tokenFor("cli-8-alone"), await home("cli-8-alone"), ["--no-batch"]);
      const unbatchedWide = await cli(await tokenFor("cli-16-alone"), await home("cli-16-alone"), [
        "--concurrency",
        "16",
        "--no-batch",
      ]);
      const defaultHome = await home("cli-default");
      const defaultToken = await tokenFor("cli-default");
      const many = await cli(defaultToken, defaultHome);
      const wide = await cli(await tokenFor("cli-16"), await home("cli-16"), ["--concurrency", "16"]);
      const again = await cli(defaultToken, defaultHome);
      if (again.summary.skipped !== FILES)
        throw new Error(`the re-run skipped ${again.summary.skipped} files`);

      const perSecond = (seconds: number) => FILES / seconds;
      const baseline = perSecond(loop.seconds);
      const row = (what: string, seconds: number) => [
        what,
        seconds.toFixed(2),
        perSecond(seconds).toFixed(0),
        (perSecond(seconds) / baseline).toFixed(2),
      ];
      printTable(
        `Folder upload of ${FILES} small files`,
        ["path", "seconds", "files/s", "ratio vs SDK loop"],
        [
          row("SDK upload() in a loop, one file after another (baseline)", loop.seconds),
          row("SDK upload(), 8 files at once (p-map)", pool.seconds),
          row("SDK uploadMany(), batches of 100, 8 PUTs at once", batches.seconds),
          row("CLI upload -r --no-batch --concurrency 1, process start to exit", one.wall),
          row("CLI upload -r --no-batch (8 files at once), process start to exit", unbatched.wall),
          row("CLI upload -r --no-batch --concurrency 16, process start to exit", unbatchedWide.wall),
          row("CLI upload -r, batches (default: 8 PUTs at once), process start to exit", many.wall),
          row("CLI upload -r, batches (default: 8 PUTs at once), its own summary", many.own),
          row("CLI upload -r, batches, --concurrency 16, process start to exit", wide.wall),
          row("CLI upload -r again: all skipped through the journal", again.wall),
        ],
      );
    }),
  );
};

runAlone(import.meta.url, benchCli);
