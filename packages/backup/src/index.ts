export { type BackupSettings, Backups } from "./backups";
export { ContentStore, contentKey } from "./content-store";
export { type RetentionSettings, snapshotsToKeep } from "./retention";
