import type { ReindexReport } from "@artifact-store/api";
import type {
  ArtifactSearch,
  Artifacts,
  checkHealth,
  Expiry,
  Reconciler,
  Scrubber,
  StorageEvents,
  Uploads,
  Verifier,
} from "@artifact-store/artifacts";
import type { ExportedSegment } from "@artifact-store/audit";
import type { Backups } from "@artifact-store/backup";
import { type IntegrityRecords, migrate } from "@artifact-store/catalog";
import type { ObjectStorage, StorageConfig } from "@artifact-store/storage";
import type { Webhooks } from "@artifact-store/webhooks";
import { type CatalogRuntime, createCatalogRuntime, useCatalogRuntime } from "./catalog-runtime";
import { integrityOf, searchOf } from "./catalog-services";
import { type Config, loadConfig, loadStorageConfig } from "./config";
import {
  artifactsOf,
  auditExportOf,
  backupsOf,
  bucketPreparationOf,
  expiryOf,
  healthOf,
  reconcilerOf,
  reindexOf,
  scrubberOf,
  storageEventsOf,
  storageOf,
  uploadsOf,
  verifierOf,
} from "./storage-services";
import { webhooksOf } from "./webhook-services";

/**
 * Every service at once, for the processes that serve every route: `npm start`, the tests and the
 * CLI. Deployed functions never build this: each asks catalog-services.ts or storage-services.ts
 * for the services it uses, and those hand back this runtime's own when it was injected.
 */
export interface Runtime extends CatalogRuntime {
  config: Config & { storage: StorageConfig };
  search: ArtifactSearch;
  webhooks: Webhooks;
  integrity: IntegrityRecords;
  storage: ObjectStorage;
  prepareBucket: () => Promise<void>;
  uploads: Uploads;
  artifacts: Artifacts;
  verifier: Verifier;
  scrubber: Scrubber;
  reconciler: Reconciler;
  storageEvents: StorageEvents;
  backups: Backups;
  expiry: Expiry;
  health: () => ReturnType<typeof checkHealth>;
  exportAudit: () => Promise<ExportedSegment[]>;
  reindex: () => Promise<ReindexReport>;
  /** Resolves once migrations ran and the bucket exists. */
  ready: () => Promise<void>;
}

export const createRuntime = async (
  config: Config & { storage: StorageConfig } = { ...loadConfig(), storage: loadStorageConfig() },
): Promise<Runtime> => {
  const base = await createCatalogRuntime(config, migrate);
  const prepareBucket = bucketPreparationOf(base);
  return {
    ...base,
    config,
    search: searchOf(base),
    webhooks: webhooksOf(base),
    integrity: integrityOf(base),
    storage: storageOf(base),
    prepareBucket,
    uploads: uploadsOf(base),
    artifacts: artifactsOf(base),
    verifier: verifierOf(base),
    scrubber: scrubberOf(base),
    reconciler: reconcilerOf(base),
    storageEvents: storageEventsOf(base),
    backups: backupsOf(base),
    expiry: expiryOf(base),
    health: healthOf(base),
    exportAudit: auditExportOf(base),
    reindex: reindexOf(base),
    ready: async () => {
      await Promise.all([base.ready(), prepareBucket()]);
    },
  };
};

/** For the local server and tests: every function of the process serves from this runtime. */
export const useRuntime = (runtime: Runtime): void => {
  useCatalogRuntime(runtime);
};
