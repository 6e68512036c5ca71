import { AuditTrail } from "@artifact-store/audit";
import { ApiKeys, createTokenVerifier, looksLikeApiKey } from "@artifact-store/auth";
import {
  ApiKeyRecords,
  Catalog,
  checkSchema,
  type Database,
  GrantRecords,
  openDatabase,
  PartChecksumRecords,
  RateLimitWindows,
} from "@artifact-store/catalog";
import { once, type Principal } from "@artifact-store/core";
import type { StorageConfig } from "@artifact-store/storage";
import { type Config, loadConfig } from "./config";

/**
 * What every function needs: settings, token verification, rate limits, the audit trail and the
 * catalogue. Services are built from it on first use (catalog-services.ts, storage-services.ts),
 * so a function's bundle holds only those it uses; nothing here imports the AWS SDK.
 */
export interface CatalogRuntime {
  /** Storage settings are here when the runtime was built with them; else read on first use. */
  config: Config & { storage?: StorageConfig };
  /** The principal behind a bearer credential: an API key or a JWT. */
  authenticate: (credential: string) => Promise<Principal>;
  catalog: Catalog;
  grants: GrantRecords;
  /** The checksums uploaders declared for their parts. */
  partChecksums: PartChecksumRecords;
  apiKeys: ApiKeys;
  rateLimits: RateLimitWindows;
  audit: AuditTrail;
  /** Resolves once the catalogue is ready (see createCatalogRuntime); requests that touch data await it. */
  ready: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * `prepare` readies the catalogue before the first request that touches data: deployed functions
 * check its schema version (the migrate-catalog function migrates, once per deploy); the full
 * runtime of npm start and the tests passes `migrate`.
 */
export const createCatalogRuntime = async (
  config: CatalogRuntime["config"] = loadConfig(),
  prepare: (db: Database) => Promise<unknown> = checkSchema,
): Promise<CatalogRuntime> => {
  const db = await openDatabase(config.database);
  const catalog = new Catalog(db);
  const verifyToken = createTokenVerifier(config.auth);
  const apiKeys = new ApiKeys(new ApiKeyRecords(db));
  const ready = once(async () => {
    await prepare(db);
  });
  return {
    config,
    authenticate: async (credential) => {
      if (!looksLikeApiKey(credential)) return verifyToken(credential);
      await ready(); // key records live in the catalogue
      return apiKeys.authenticate(credential);
    },
    catalog,
    grants: new GrantRecords(db),
    partChecksums: new PartChecksumRecords(db),
    apiKeys,
    rateLimits: new RateLimitWindows(db),
    audit: new AuditTrail(db),
    ready,
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
