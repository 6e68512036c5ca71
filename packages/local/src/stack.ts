import { join } from "node:path";
import { migrate } from "@artifact-store/catalog";
import { CONSOLE_DIST, ensureConsoleBuilt } from "@artifact-store/console/build";
import { ensureCephInstalled, startLocalS3 } from "@artifact-store/local-s3";
import {
  type Config,
  createRuntime,
  loadConfig,
  loadStorageConfig,
  type Runtime,
  useRuntime,
} from "@artifact-store/runtime";
import { readyForStorage, storageOf, verifierOf } from "@artifact-store/runtime/storage";
import type { StorageConfig } from "@artifact-store/storage";
import type { DevUser } from "./console";
import { type RunningServer, startServer } from "./server";
import { wireStorageNotifications } from "./storage-notifications";

type Env = Record<string, string | undefined>;

export interface LocalStorage {
  env: Env;
  stop: () => Promise<void>;
}

/**
 * The S3 settings to run with: the configured endpoint when S3_ENDPOINT is set, else a Ceph RGW
 * on loopback (given S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY when those are set). Persistent for
 * `npm start`, so objects outlive a restart as the catalogue does; fresh for tests and benchmarks.
 */
export const ensureLocalStorage = async (
  env: Env,
  dataDir: string,
  log: (line: string) => void,
  options: { persistent?: boolean } = {},
): Promise<LocalStorage> => {
  if (env.S3_ENDPOINT) return { env: {}, stop: async () => {} };
  await ensureCephInstalled(log);
  const s3 = await startLocalS3({
    dataDir: join(dataDir, "s3"),
    persistent: options.persistent ?? false,
    ...(env.S3_ACCESS_KEY_ID ? { accessKeyId: env.S3_ACCESS_KEY_ID } : {}),
    ...(env.S3_SECRET_ACCESS_KEY ? { secretAccessKey: env.S3_SECRET_ACCESS_KEY } : {}),
    log,
  });
  return {
    env: {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    },
    stop: () => s3.stop(),
  };
};

/** Every setting, storage's included: a local stack always talks to storage. */
export type LocalConfig = Config & { storage: StorageConfig };

export interface LocalApi {
  url: string;
  /** The runtime every function serves from; services are built from it (`verifierOf(api.runtime)`). */
  runtime: Runtime;
  config: LocalConfig;
  close: () => Promise<void>;
}

/**
 * Builds the runtime from env, migrates the catalogue, prepares the bucket, and serves every
 * function from that runtime (`useRuntime`: the one seam by which tests inject theirs). With
 * STORAGE_EVENTS_PUSH=true (and STORAGE_EVENTS_TOKEN), the S3 server (Ceph RGW) is told to push
 * the bucket's notifications to the storage-events route.
 */
export interface LocalApiOptions {
  /**
   * Serve the web console at / (built first when its build is missing or stale); with
   * `devUsers`, also its development sign-in (npm start only).
   */
  console?: { devUsers?: DevUser[]; log?: (line: string) => void };
}

export const startLocalApi = async (
  env: Env,
  port: number,
  options: LocalApiOptions = {},
): Promise<LocalApi> => {
  const config: LocalConfig = { ...loadConfig(env), storage: loadStorageConfig(env) };
  if (options.console) await ensureConsoleBuilt(options.console.log);
  const devUsers = options.console?.devUsers;
  const runtime = await createRuntime(config, migrate);
  useRuntime(runtime);
  await readyForStorage(runtime);
  // Probed once, here at start, so the log says at once what this S3 server lacks; health reports
  // it too. Storage that is down now is health's to report, not a reason not to start.
  await storageOf(runtime)
    .capabilities()
    .catch(() => undefined);
  let server: RunningServer;
  try {
    server = await startServer({
      port,
      ...(options.console
        ? {
            console: {
              root: CONSOLE_DIST,
              ...(devUsers ? { devSignIn: { auth: config.auth, users: devUsers } } : {}),
            },
          }
        : {}),
    });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  let unwire = async () => {};
  if (env.STORAGE_EVENTS_PUSH === "true" && config.storageEventsToken) {
    try {
      unwire = await wireStorageNotifications(config, server.url, config.storageEventsToken);
    } catch (error) {
      await server.close();
      await runtime.close();
      throw error;
    }
  }
  return {
    url: server.url,
    runtime,
    config,
    close: async () => {
      await unwire();
      await server.close();
      // Completed uploads being verified in the background still need the catalogue.
      await verifierOf(runtime).settled();
      await runtime.close();
    },
  };
};
