import { Artifacts, checkHealth, Uploads } from "@artifact-store/artifacts";
import { createTokenVerifier, type TokenVerifier } from "@artifact-store/auth";
import { Catalog, migrate, openDatabase } from "@artifact-store/catalog";
import { ObjectStorage } from "@artifact-store/storage";
import { type Config, loadConfig } from "./config";

/** Everything a function needs, built once per process (one Lambda instance, or the local server). */
export interface Runtime {
  config: Config;
  verifyToken: TokenVerifier;
  storage: ObjectStorage;
  catalog: Catalog;
  uploads: Uploads;
  artifacts: Artifacts;
  /** Resolves once migrations ran and the bucket exists; requests that touch data await it. */
  ready: () => Promise<void>;
  health: () => ReturnType<typeof checkHealth>;
  close: () => Promise<void>;
}

export const createRuntime = async (config: Config = loadConfig()): Promise<Runtime> => {
  const storage = new ObjectStorage(config.storage);
  const catalog = new Catalog(await openDatabase(config.database));
  let preparing: Promise<void> | undefined;
  const ready = () => {
    const prepareBucket = async () => {
      await storage.ensureBucket();
      if (config.storage.browserOrigins.length > 0)
        await storage.allowBrowserOrigins(config.storage.browserOrigins);
    };
    preparing ??= Promise.all([migrate(catalog.db), prepareBucket()]).then(
      () => undefined,
      (error: unknown) => {
        preparing = undefined; // let the next request try again once the dependency is back
        throw error;
      },
    );
    return preparing;
  };
  return {
    config,
    verifyToken: createTokenVerifier(config.auth),
    storage,
    catalog,
    uploads: new Uploads(catalog, storage, config.service),
    artifacts: new Artifacts(catalog, storage, config.service),
    ready,
    health: () => checkHealth({ storage: () => storage.ping(), catalog: () => catalog.ping() }),
    close: () => catalog.db.close(),
  };
};

let shared: Promise<Runtime> | undefined;

/** The process-wide runtime, from the environment; a failed build is retried on the next call. */
export const sharedRuntime = (): Promise<Runtime> => {
  shared ??= createRuntime().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
};

/** For the local server and tests, which build their runtime from explicit settings. */
export const useRuntime = (runtime: Runtime): void => {
  shared = Promise.resolve(runtime);
};

/** The shared runtime once its catalogue is migrated and its bucket exists. */
export const readyRuntime = async (): Promise<Runtime> => {
  const runtime = await sharedRuntime();
  await runtime.ready();
  return runtime;
};
