export { Artifacts } from "./artifacts";
export {
  COMPLETION_STEPS,
  type CompletionStep,
  completionFailpoint,
  multipartEtag,
  UploadCompletion,
} from "./completion";
export { type AuditAppend, EXPIRY_DEFAULTS, Expiry, type ExpirySettings, removeArtifact } from "./expiry";
export { checkHealth } from "./health";
export { mirrorTags, OBJECT_TAGS_MAX, objectTagsOf } from "./object-tags";
export { RECONCILE_DEFAULTS, Reconciler, type ReconcileSettings } from "./reconciler";
export { reindexFromStorage } from "./reindex";
export { Scrubber, type ScrubSettings } from "./scrubber";
export { ArtifactSearch, SEARCH_DEFAULT_LIMIT } from "./search";
export type { ServiceSettings } from "./settings";
export { readSidecar, type Sidecar, type SidecarReading, sidecarOf, writeSidecar } from "./sidecar";
export { SIDECAR_SCHEMA_VERSION, type StoredSidecar } from "./sidecar-formats";
export { StorageEvents } from "./storage-events";
export { type CreateUploadRequest, Uploads } from "./uploads";
export {
  type HandedOffVerification,
  handedOffArtifactOf,
  type VerificationHandoff,
  type VerificationSettings,
  Verifier,
} from "./verifier";
