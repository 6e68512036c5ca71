// The entry point of functions that talk to storage: the services built on the catalogue runtime.
export {
  artifactsOf,
  auditExportOf,
  backupsOf,
  expiryOf,
  healthOf,
  readyStorageRuntime,
  reconcilerOf,
  reindexOf,
  scrubberOf,
  storageEventsOf,
  storageOf,
  uploadsOf,
  verifierOf,
} from "./storage-services";
