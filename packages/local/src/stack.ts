import { join } from "node:path";
import { CONSOLE_DIST, ensureConsoleBuilt } from "@artifact-store/console/build";
import { ensureCephInstalled, startLocalS3 } from "@artifact-store/local-s3";
import {
  createRuntime,
  loadConfig,
  loadStorageConfig,
  type Runtime,
  useRuntime,
} from "@artifact-store/runtime";
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

export interface LocalApi {
  url: string;
  runtime: Runtime;
  config: Runtime["config"];
  close: () => Promise<void>;
}

/**
 * Builds the runtime from env, prepares the catalogue and bucket, and serves every function. With
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
  const config = { ...loadConfig(env), storage: loadStorageConfig(env) };
  if (options.console) await ensureConsoleBuilt(options.console.log);
  const devUsers = options.console?.devUsers;
  const runtime = await createRuntime(config);
  useRuntime(runtime);
  await runtime.ready();
  // Probed once, here at start, so the log says at once what this S3 server lacks; health reports
  // it too. Storage that is down now is health's to report, not a reason not to start.
  await runtime.storage.capabilities().catch(() => undefined);
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
      await runtime.verifier.settled();
      await runtime.close();
    },
  };
};
