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
 * What every function stands on: settings, token verification, rate limits, the audit trail and
 * the catalogue. Every other service is built from it on first use (`service()`), so a function's
 * bundle holds only the services it asks for; nothing here imports the AWS SDK.
 */
export interface Runtime {
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
  /** Resolves once the catalogue is ready (see createRuntime); requests that touch data await it. */
  ready: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * `prepare` readies the catalogue before the first request that touches data: deployed functions
 * check its schema version (the migrate-catalog function migrates, once per deploy); npm start and
 * the tests pass `migrate`.
 */
export const createRuntime = async (
  config: Runtime["config"] = loadConfig(),
  prepare: (db: Database) => Promise<unknown> = checkSchema,
): Promise<Runtime> => {
  const db = await openDatabase(config.database);
  const catalog = new Catalog(db);
  const verifyToken = createTokenVerifier(config.auth);
  const apiKeys = new ApiKeys(new ApiKeyRecords(db));
  const ready = once(async () => {
    await prepare(db);
  });
  return {
    config,
    async authenticate(credential) {
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
    close() {
      return db.close();
    },
  };
};

let shared: Promise<Runtime> | undefined;

/**
 * The process's runtime, built from the environment on first use (a failed build is retried on the
 * next call). Every function app hands it to its handlers; `useRuntime` puts another in its place.
 */
export const sharedRuntime = (): Promise<Runtime> => {
  shared ??= createRuntime().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
};

/** For npm start and the tests, which build their runtime from explicit settings: every function serves from it. */
export const useRuntime = (runtime: Runtime): void => {
  shared = Promise.resolve(runtime);
};

/** A function whose handlers use the catalogue: it is checked (or migrated) before they run. */
export const catalogRuntime = {
  runtime: sharedRuntime,
  ready(runtime: Runtime): Promise<void> {
    return runtime.ready();
  },
};

/**
 * A function that readies nothing before its handlers: health, which reports what is down rather
 * than failing on it, and migrate-catalog, which brings the schema to where `ready` checks it.
 */
export const unreadiedRuntime = { runtime: sharedRuntime };
