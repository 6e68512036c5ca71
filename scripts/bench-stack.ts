// What the benches share: the log line, the stack most of them measure (an S3 server, fresh
// unless S3_ENDPOINT is set, and the local API on a bucket and signing key of the run's own), the
// way each runs alone (`npx tsx scripts/bench-X.ts`), and the few helpers they time with.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ensureLocalStorage,
  type LocalApi,
  type LocalStorage,
  openPostgres,
  type PostgresServer,
  startLocalApi,
} from "@artifact-store/local";

type Env = Record<string, string | undefined>;

export const say = (line: string) => console.log(`[bench] ${line}`);

/** The SDK's Node version warning and the API's request log would drown the tables. */
export const quietBenchEnv = (): void => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  process.env.LOG_LEVEL ??= "silent";
};

export interface BenchStack {
  api: LocalApi;
  storage: LocalStorage;
  /** Closes the API, then stops the S3 server, then drops the catalogue database if one was made. */
  close: () => Promise<void>;
}

export interface BenchStackOptions {
  /**
   * "postgres": the catalogue in a PostgreSQL database of this run's own (openPostgres), dropped
   * at close; DATABASE_URL from the environment only names the server. Else an in-memory PGlite,
   * whatever DATABASE_URL the shell has, unless the bench's settings name a database.
   */
  catalog?: "postgres";
}

/**
 * Starts the stack for bench `name`: bucket `bench-<name>-<random>`, a random signing key, the
 * catalogue in memory, and `settings` (the bench's own) over all of it. What started before a
 * later step failed is stopped again.
 */
export const startBenchStack = async (
  name: string,
  settings: Env = {},
  options: BenchStackOptions = {},
): Promise<BenchStack> => {
  quietBenchEnv();
  const storage = await ensureLocalStorage(process.env, resolve(".data/bench"), (line) => say(`s3: ${line}`));
  let postgres: PostgresServer | null = null;
  try {
    // A bench never writes into the database the shell happens to name.
    let catalog: Env = { DATABASE_URL: undefined };
    if (options.catalog === "postgres") {
      postgres = await openPostgres(say);
      const database = `bench_${name.replaceAll("-", "_")}_${randomBytes(4).toString("hex")}`;
      catalog = { DATABASE_URL: await postgres.createDatabase(database) };
    }
    const api = await startLocalApi(
      {
        ...process.env,
        ...storage.env,
        S3_BUCKET: `bench-${name}-${randomUUID().slice(0, 8)}`,
        AUTH_JWT_SECRET: randomBytes(32).toString("hex"),
        CATALOG_DATA_DIR: "memory://",
        ...catalog,
        ...settings,
      },
      0,
    );
    const made = postgres;
    return {
      api,
      storage,
      close: async () => {
        try {
          await api.close();
        } finally {
          try {
            await storage.stop();
          } finally {
            await made?.dispose();
          }
        }
      },
    };
  } catch (error) {
    await postgres?.dispose().catch(() => {});
    await storage.stop().catch(() => {});
    throw error;
  }
};

/** Runs `work` on a fresh stack (startBenchStack) and closes it however `work` ends. */
export const withBenchStack = async <T>(
  name: string,
  settings: Env,
  work: (api: LocalApi) => Promise<T>,
  options: BenchStackOptions = {},
): Promise<T> => {
  const stack = await startBenchStack(name, settings, options);
  try {
    return await work(stack.api);
  } finally {
    await stack.close();
  }
};

/** Runs a bench; a failure is printed with its stack and ends the process with code 1. */
export const runBench = (bench: () => Promise<unknown>): void => {
  bench().catch((error: unknown) => {
    console.error(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  });
};

/** Runs `bench` when `moduleUrl` (the caller's import.meta.url) is the script node was started with. */
export const runAlone = (moduleUrl: string, bench: () => Promise<unknown>): void => {
  if (moduleUrl === pathToFileURL(process.argv[1] ?? "").href) runBench(bench);
};

/** Runs `work` in a fresh folder under the system's temporary one, removed however `work` ends. */
export const withScratchDir = async <T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** Seconds `work` took, and what it answered. */
export const timed = async <T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> => {
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, value };
};

/** The upper median: the middle value, or of two middle values the larger. */
export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export const sha256OfFile = async (path: string): Promise<string> => {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return hash.digest("hex");
};

/** POSTs JSON to the API as a scraper does, bearer token and all; a non-2xx answer throws with its body. */
export const apiPoster =
  (baseUrl: string, token: string) =>
  async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
