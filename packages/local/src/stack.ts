import { join } from "node:path";
import { migrate } from "@artifact-store/catalog";
import { ensureCephInstalled, startLocalS3 } from "@artifact-store/local-s3";
import {
  type Config,
  createRuntime,
  loadConfig,
  loadStorageConfig,
  type Runtime,
  useRuntime,
} from "@artifact-store/runtime";
import { readyForStorage } from "@artifact-store/runtime/storage";
import type { StorageConfig } from "@artifact-store/storage";
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
export const startLocalApi = async (env: Env, port: number): Promise<LocalApi> => {
  const config: LocalConfig = { ...loadConfig(env), storage: loadStorageConfig(env) };
  const runtime = await createRuntime(config, migrate);
  useRuntime(runtime);
  await readyForStorage(runtime);
  let server: RunningServer;
  try {
    server = await startServer({ port });
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
      await runtime.close();
    },
  };
};
