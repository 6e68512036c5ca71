import { createTokenVerifier, type TokenVerifier } from "@artifact-store/auth";
import { Catalog, migrate, openDatabase } from "@artifact-store/catalog";
import { type Config, loadConfig } from "./config";

/**
 * What every function needs: settings, token verification and the catalogue. Nothing here
 * imports the AWS SDK, so functions that never talk to storage stay small and start fast.
 */
export interface CatalogRuntime {
  config: Config;
  verifyToken: TokenVerifier;
  catalog: Catalog;
  /** Resolves once migrations ran; requests that touch data await it. */
  ready: () => Promise<void>;
  close: () => Promise<void>;
}

/** Memoises a preparation step, but forgets a failure so the next request tries again. */
export const once = (prepare: () => Promise<void>): (() => Promise<void>) => {
  let running: Promise<void> | undefined;
  return () => {
    running ??= prepare().catch((error: unknown) => {
      running = undefined;
      throw error;
    });
    return running;
  };
};

export const createCatalogRuntime = async (config: Config = loadConfig()): Promise<CatalogRuntime> => {
  const catalog = new Catalog(await openDatabase(config.database));
  return {
    config,
    verifyToken: createTokenVerifier(config.auth),
    catalog,
    ready: once(async () => {
      await migrate(catalog.db);
    }),
    close: () => catalog.db.close(),
  };
};

let shared: Promise<CatalogRuntime> | undefined;

/** The process-wide catalogue runtime, from the environment; a failed build is retried on the next call. */
export const sharedCatalogRuntime = (): Promise<CatalogRuntime> => {
  shared ??= createCatalogRuntime().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
};

/** For the local server and tests, which build their runtime from explicit settings. */
export const useCatalogRuntime = (runtime: CatalogRuntime): void => {
  shared = Promise.resolve(runtime);
};

export const readyCatalogRuntime = async (): Promise<CatalogRuntime> => {
  const runtime = await sharedCatalogRuntime();
  await runtime.ready();
  return runtime;
};
