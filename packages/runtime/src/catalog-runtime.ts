import { ArtifactSearch } from "@artifact-store/artifacts";
import { AuditTrail } from "@artifact-store/audit";
import { ApiKeys, createTokenVerifier, looksLikeApiKey } from "@artifact-store/auth";
import {
  ApiKeyRecords,
  Catalog,
  GrantRecords,
  IntegrityRecords,
  migrate,
  openDatabase,
  PartChecksumRecords,
  RateLimitWindows,
  SearchRecords,
  WebhookRecords,
} from "@artifact-store/catalog";
import type { Principal } from "@artifact-store/core";
import { Webhooks } from "@artifact-store/webhooks";
import { type Config, loadConfig } from "./config";

/**
 * What every function needs: settings, token verification and the catalogue. Nothing here
 * imports the AWS SDK, so functions that never talk to storage stay small and start fast.
 */
export interface CatalogRuntime {
  config: Config;
  /** The principal behind a bearer credential: an API key or a JWT. */
  authenticate: (credential: string) => Promise<Principal>;
  catalog: Catalog;
  grants: GrantRecords;
  /** The checksums uploaders declared for their parts. */
  partChecksums: PartChecksumRecords;
  apiKeys: ApiKeys;
  rateLimits: RateLimitWindows;
  audit: AuditTrail;
  /** Scrub and reconcile reports, and what those runs read from the catalogue. */
  integrity: IntegrityRecords;
  /** Finding artifacts: needs only the catalogue. */
  search: ArtifactSearch;
  /** Webhook subscriptions, and delivery of the catalogue's outbox to them. */
  webhooks: Webhooks;
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
  const db = await openDatabase(config.database);
  const catalog = new Catalog(db);
  const verifyToken = createTokenVerifier(config.auth);
  const apiKeys = new ApiKeys(new ApiKeyRecords(db));
  const ready = once(async () => {
    await migrate(db);
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
    integrity: new IntegrityRecords(db),
    search: new ArtifactSearch(new SearchRecords(db)),
    webhooks: new Webhooks(new WebhookRecords(db), config.webhooks),
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
