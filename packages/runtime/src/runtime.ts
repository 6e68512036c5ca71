import type { ReindexReport } from "@artifact-store/api";
import {
  Artifacts,
  checkHealth,
  Reconciler,
  reindexFromStorage,
  Scrubber,
  StorageEvents,
  Uploads,
  Verifier,
} from "@artifact-store/artifacts";
import type { ExportedSegment } from "@artifact-store/audit";
import { Backups } from "@artifact-store/backup";
import { ArtifactVersions, BackupRecords, StorageEventRecords } from "@artifact-store/catalog";
import { ObjectStorage, type StorageConfig } from "@artifact-store/storage";
import {
  type CatalogRuntime,
  createCatalogRuntime,
  once,
  sharedCatalogRuntime,
  useCatalogRuntime,
} from "./catalog-runtime";
import { type Config, loadConfig, loadStorageConfig } from "./config";

/** The catalogue runtime plus storage and the operations that use both. */
export interface Runtime extends CatalogRuntime {
  config: Config & { storage: StorageConfig };
  storage: ObjectStorage;
  uploads: Uploads;
  artifacts: Artifacts;
  /** Reads stored bytes back and records them verified or corrupt (inline, scheduled, on demand). */
  verifier: Verifier;
  /** Re-verifies verified artifacts, least recently verified first, within a budget per run. */
  scrubber: Scrubber;
  /** Compares catalogue and bucket; aborts upload sessions left open past their expiry. */
  reconciler: Reconciler;
  /** Bucket notifications: single-PUT uploads completed, objects changed behind our back re-verified. */
  storageEvents: StorageEvents;
  /** Resolves once migrations ran and the bucket exists. */
  ready: () => Promise<void>;
  health: () => ReturnType<typeof checkHealth>;
  /** Writes closed audit segments to the bucket as JSON Lines, so the trail outlives the catalogue. */
  exportAudit: () => Promise<ExportedSegment[]>;
  /** Rebuilds the catalogue's artifact records from the sidecars in the bucket. */
  reindex: () => Promise<ReindexReport>;
  /** Snapshots to the backup bucket, retention, and restore from a snapshot. */
  backups: Backups;
}

const withStorage = (base: CatalogRuntime, storageConfig: StorageConfig): Runtime => {
  const storage = new ObjectStorage(storageConfig);
  const { catalog } = base;
  const config = { ...base.config, storage: storageConfig };
  const verifier = new Verifier(catalog, storage, config.verification);
  const prepareBucket = once(async () => {
    await storage.ensureBucket();
    await storage.denyAnonymousAccess();
    if (storageConfig.browserOrigins.length > 0)
      await storage.allowBrowserOrigins(storageConfig.browserOrigins);
  });
  const uploads = new Uploads(catalog, storage, config.service, base.partChecksums, verifier);
  return {
    ...base,
    config,
    storage,
    uploads,
    verifier,
    storageEvents: new StorageEvents(
      new StorageEventRecords(catalog.db),
      uploads,
      verifier,
      storageConfig.bucket,
    ),
    scrubber: new Scrubber(base.integrity, verifier, config.scrub),
    reconciler: new Reconciler(base.integrity, catalog, storage, verifier),
    artifacts: new Artifacts(catalog, base.grants, new ArtifactVersions(catalog.db), storage, config.service),
    ready: async () => {
      await Promise.all([base.ready(), prepareBucket()]);
    },
    health: () => checkHealth({ storage: () => storage.ping(), catalog: () => catalog.ping() }),
    exportAudit: () =>
      base.audit.exportClosedSegments(
        { put: (key, body) => storage.putText(key, body, "application/x-ndjson") },
        { segmentSize: config.auditSegment.size, maxAgeSeconds: config.auditSegment.maxAgeSeconds },
      ),
    reindex: () => reindexFromStorage(storage, catalog),
    backups: new Backups(new BackupRecords(catalog.db), catalog, storage, verifier, config.backup),
  };
};

export const createRuntime = async (
  config: Config & { storage: StorageConfig } = { ...loadConfig(), storage: loadStorageConfig() },
): Promise<Runtime> => withStorage(await createCatalogRuntime(config), config.storage);

let shared: Promise<Runtime> | undefined;

/** The process-wide runtime, sharing its catalogue with the catalogue runtime. */
export const sharedRuntime = (): Promise<Runtime> => {
  shared ??= sharedCatalogRuntime()
    .then((base) => withStorage(base, loadStorageConfig()))
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return shared;
};

/** For the local server and tests, which build their runtime from explicit settings. */
export const useRuntime = (runtime: Runtime): void => {
  shared = Promise.resolve(runtime);
  useCatalogRuntime(runtime);
};

/** The shared runtime once its catalogue is migrated and its bucket exists. */
export const readyRuntime = async (): Promise<Runtime> => {
  const runtime = await sharedRuntime();
  await runtime.ready();
  return runtime;
};
