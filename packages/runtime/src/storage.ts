// The entry point of functions that talk to storage: the services that bundle the AWS SDK.
export {
  artifactsOf,
  auditExportOf,
  backupsOf,
  bucketPreparationOf,
  expiryOf,
  healthOf,
  readyForStorage,
  reconcilerOf,
  reindexOf,
  scrubberOf,
  storageConfigOf,
  storageEventsOf,
  storageOf,
  storageRuntime,
  uploadsOf,
  verifierOf,
} from "./storage-services";
