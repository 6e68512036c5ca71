export { ApiKeyRecords, GrantRecords, type RateLimitDecision, RateLimitWindows } from "./access-records";
export { type ArtifactRecord, type BackupProgress, BackupRecords, type BackupRun } from "./backup-records";
export { Catalog, type DeleteOutcome } from "./catalog";
export { type Database, type DatabaseConfig, openDatabase, type Sql } from "./database";
export { IntegrityRecords, type KeyClaim } from "./integrity-records";
export { migrate } from "./migrate";
export { MIGRATIONS } from "./migrations";
export { PartChecksumRecords } from "./part-checksums";
export { checkSchema } from "./schema";
export { SCHEMA_VERSION } from "./schema-version";
export {
  type SearchFilter,
  type SearchPosition,
  SearchRecords,
  type SearchRequest,
  type SearchResult,
  type SortKey,
  type SortOrder,
  type Viewer,
} from "./search";
export { type StorageEventKey, StorageEventRecords } from "./storage-event-records";
export { ArtifactVersions, type EditOutcome, type EditRequest } from "./versions";
export { appendArtifactEvent } from "./webhook-outbox";
export {
  type ClaimedDelivery,
  type NewSubscription,
  type PausePolicy,
  WebhookRecords,
} from "./webhook-records";
