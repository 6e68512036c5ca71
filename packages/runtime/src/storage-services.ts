// Services that talk to storage: the functions that import these bundle the AWS SDK.
import type { ReindexReport } from "@artifact-store/api";
import {
  Artifacts,
  checkHealth,
  Expiry,
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
import { once } from "@artifact-store/core";
import { ObjectStorage, type StorageConfig } from "@artifact-store/storage";
import { type CatalogRuntime, readyCatalogRuntime } from "./catalog-runtime";
import { integrityOf } from "./catalog-services";
import { loadStorageConfig } from "./config";
import { provided } from "./provided";
import { invokeVerifier } from "./verification-handoff";

export const storageConfigOf = (runtime: CatalogRuntime): StorageConfig =>
  runtime.config.storage ?? loadStorageConfig();

export const storageOf = (runtime: CatalogRuntime): ObjectStorage =>
  provided(runtime, "storage", () => new ObjectStorage(storageConfigOf(runtime)));

/** Creates the bucket, shuts out anonymous access and allows browser origins, once per process. */
export const bucketPreparationOf = (runtime: CatalogRuntime): (() => Promise<void>) =>
  provided(runtime, "prepareBucket", () =>
    once(() => storageOf(runtime).prepareBucket(storageConfigOf(runtime).browserOrigins)),
  );

/** The shared runtime once its catalogue is migrated and its bucket is ready. */
export const readyStorageRuntime = async (): Promise<CatalogRuntime> => {
  const runtime = await readyCatalogRuntime();
  await bucketPreparationOf(runtime)();
  return runtime;
};

/**
 * Reads stored bytes back and records them verified or corrupt (inline, handed off at completion,
 * scheduled, on demand). Deployed, a hand-off is an invoke of verify-artifacts; else this process.
 */
export const verifierOf = (runtime: CatalogRuntime): Verifier =>
  provided(runtime, "verifier", () => {
    const { verification, verifyFunctionArn } = runtime.config;
    const handoff = verifyFunctionArn ? invokeVerifier(verifyFunctionArn) : undefined;
    return new Verifier(runtime.catalog, storageOf(runtime), verification, undefined, handoff);
  });

export const uploadsOf = (runtime: CatalogRuntime): Uploads =>
  provided(
    runtime,
    "uploads",
    () => new Uploads(runtime.catalog, storageOf(runtime), runtime.config.service, runtime.partChecksums),
  );

export const artifactsOf = (runtime: CatalogRuntime): Artifacts =>
  provided(
    runtime,
    "artifacts",
    () =>
      new Artifacts(
        runtime.catalog,
        runtime.grants,
        new ArtifactVersions(runtime.catalog.db),
        storageOf(runtime),
        runtime.config.service,
      ),
  );

/** Re-verifies verified artifacts, least recently verified first, within a budget per run. */
export const scrubberOf = (runtime: CatalogRuntime): Scrubber =>
  provided(
    runtime,
    "scrubber",
    () => new Scrubber(integrityOf(runtime), verifierOf(runtime), runtime.config.scrub),
  );

/** Compares catalogue and bucket; aborts upload sessions left open past their expiry. */
export const reconcilerOf = (runtime: CatalogRuntime): Reconciler =>
  provided(
    runtime,
    "reconciler",
    () =>
      new Reconciler(
        integrityOf(runtime),
        runtime.catalog,
        storageOf(runtime),
        verifierOf(runtime),
        runtime.config.reconcile,
      ),
  );

/** Bucket notifications: single-PUT uploads completed, objects changed behind our back re-verified. */
export const storageEventsOf = (runtime: CatalogRuntime): StorageEvents =>
  provided(
    runtime,
    "storageEvents",
    () =>
      new StorageEvents(
        new StorageEventRecords(runtime.catalog.db),
        uploadsOf(runtime),
        verifierOf(runtime),
        storageConfigOf(runtime).bucket,
      ),
  );

/** Snapshots to the backup bucket, retention, and restore from a snapshot. */
export const backupsOf = (runtime: CatalogRuntime): Backups =>
  provided(
    runtime,
    "backups",
    () =>
      new Backups(
        new BackupRecords(runtime.catalog.db),
        runtime.catalog,
        runtime.grants,
        storageOf(runtime),
        verifierOf(runtime),
        runtime.config.backup,
      ),
  );

/** Deletes artifacts past their expiry that no legal hold keeps. */
export const expiryOf = (runtime: CatalogRuntime): Expiry =>
  provided(
    runtime,
    "expiry",
    () => new Expiry(runtime.catalog, storageOf(runtime), (event) => runtime.audit.append(event)),
  );

export const healthOf = (runtime: CatalogRuntime): (() => ReturnType<typeof checkHealth>) =>
  provided(
    runtime,
    "health",
    () => () =>
      checkHealth({
        storage: async () => {
          await storageOf(runtime).ping();
          return storageOf(runtime).capabilities();
        },
        catalog: () => runtime.catalog.ping(),
      }),
  );

/** Writes closed audit segments to the bucket as JSON Lines, so the trail outlives the catalogue. */
export const auditExportOf = (runtime: CatalogRuntime): (() => Promise<ExportedSegment[]>) =>
  provided(runtime, "exportAudit", () => () => {
    const { auditSegment } = runtime.config;
    return runtime.audit.exportClosedSegments(
      { put: (key, body) => storageOf(runtime).putText(key, body, "application/x-ndjson") },
      { segmentSize: auditSegment.size, maxAgeSeconds: auditSegment.maxAgeSeconds },
    );
  });

/** Rebuilds the catalogue's artifact records from the sidecars in the bucket. */
export const reindexOf = (runtime: CatalogRuntime): (() => Promise<ReindexReport>) =>
  provided(runtime, "reindex", () => () => reindexFromStorage(storageOf(runtime), runtime.catalog));
