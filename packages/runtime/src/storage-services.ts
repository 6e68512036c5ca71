// Services that talk to storage: the functions that import these bundle the AWS SDK.
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
import { Backups } from "@artifact-store/backup";
import { ArtifactVersions, BackupRecords, StorageEventRecords } from "@artifact-store/catalog";
import { once } from "@artifact-store/core";
import { ObjectStorage, type StorageConfig } from "@artifact-store/storage";
import { integrityOf } from "./catalog-services";
import { loadStorageConfig } from "./config";
import { type Runtime, sharedRuntime } from "./runtime";
import { service } from "./service";
import { invokeVerifier } from "./verification-handoff";

export const storageConfigOf = (runtime: Runtime): StorageConfig =>
  runtime.config.storage ?? loadStorageConfig();

export const storageOf = /* @__PURE__ */ service((runtime) => new ObjectStorage(storageConfigOf(runtime)));

/** Creates the bucket, shuts out anonymous access and allows browser origins, once per process. */
export const bucketPreparationOf = /* @__PURE__ */ service((runtime) =>
  once(() => storageOf(runtime).prepareBucket(storageConfigOf(runtime).browserOrigins)),
);

/** Readies a runtime for the services that touch storage: its catalogue, then its bucket. */
export const readyForStorage = async (runtime: Runtime): Promise<void> => {
  await runtime.ready();
  await bucketPreparationOf(runtime)();
};

/** A function whose handlers touch storage: catalogue and bucket are ready before they run. */
export const storageRuntime = { runtime: sharedRuntime, ready: readyForStorage };

/**
 * Reads stored bytes back and records them verified or corrupt (inline, handed off at completion,
 * scheduled, on demand). Deployed, a hand-off is an invoke of verify-artifacts; else this process.
 */
export const verifierOf = /* @__PURE__ */ service((runtime) => {
  const { verification, verifyFunctionArn } = runtime.config;
  const handoff = verifyFunctionArn ? invokeVerifier(verifyFunctionArn) : undefined;
  return new Verifier(runtime.catalog, storageOf(runtime), verification, undefined, handoff);
});

export const uploadsOf = /* @__PURE__ */ service(
  (runtime) =>
    new Uploads(runtime.catalog, storageOf(runtime), runtime.config.service, runtime.partChecksums),
);

export const artifactsOf = /* @__PURE__ */ service(
  (runtime) =>
    new Artifacts(
      runtime.catalog,
      runtime.grants,
      new ArtifactVersions(runtime.catalog.db),
      storageOf(runtime),
      runtime.config.service,
    ),
);

/** Re-verifies verified artifacts, least recently verified first, within a budget per run. */
export const scrubberOf = /* @__PURE__ */ service(
  (runtime) => new Scrubber(integrityOf(runtime), verifierOf(runtime), runtime.config.scrub),
);

/** Compares catalogue and bucket; aborts upload sessions left open past their expiry. */
export const reconcilerOf = /* @__PURE__ */ service(
  (runtime) =>
    new Reconciler(
      integrityOf(runtime),
      runtime.catalog,
      storageOf(runtime),
      verifierOf(runtime),
      runtime.config.reconcile,
    ),
);

/** Bucket notifications: single-PUT uploads completed, objects changed behind our back re-verified. */
export const storageEventsOf = /* @__PURE__ */ service(
  (runtime) =>
    new StorageEvents(
      new StorageEventRecords(runtime.catalog.db),
      uploadsOf(runtime),
      verifierOf(runtime),
      storageConfigOf(runtime).bucket,
    ),
);

/** Snapshots to the backup bucket, retention, and restore from a snapshot. */
export const backupsOf = /* @__PURE__ */ service(
  (runtime) =>
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
export const expiryOf = /* @__PURE__ */ service(
  (runtime) => new Expiry(runtime.catalog, storageOf(runtime), (event) => runtime.audit.append(event)),
);

/** Whether storage and the catalogue answer, and what the S3 server enforces. */
export const healthOf = /* @__PURE__ */ service(
  (runtime) => () =>
    checkHealth({
      storage: async () => {
        await storageOf(runtime).ping();
        return storageOf(runtime).capabilities();
      },
      catalog: () => runtime.catalog.ping(),
    }),
);

/** Writes closed audit segments to the bucket as JSON Lines, so the trail outlives the catalogue. */
export const auditExportOf = /* @__PURE__ */ service((runtime) => () => {
  const { auditSegment } = runtime.config;
  return runtime.audit.exportClosedSegments(
    { put: (key, body) => storageOf(runtime).putText(key, body, "application/x-ndjson") },
    { segmentSize: auditSegment.size, maxAgeSeconds: auditSegment.maxAgeSeconds },
  );
});

/** Rebuilds the catalogue's artifact records from the sidecars in the bucket. */
export const reindexOf = /* @__PURE__ */ service(
  (runtime) => () => reindexFromStorage(storageOf(runtime), runtime.catalog),
);
