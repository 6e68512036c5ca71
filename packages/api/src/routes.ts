import * as apiKeys from "./api-keys/routes";
import * as artifacts from "./artifacts/routes";
import * as audit from "./audit/routes";
import type { RouteContract } from "./common/routes";
import * as identity from "./identity/routes";
import * as operations from "./operations/routes";
import * as search from "./search/routes";
import * as sharing from "./sharing/routes";
import * as storageEvents from "./storage-events/routes";
import * as uploads from "./uploads/routes";
import * as uppy from "./uppy/routes";
import * as webhooks from "./webhooks/routes";

// Every route by name, as functions import them (`routes.createUpload`): a bundle keeps the ones
// it uses. Each domain's routes live in its own folder, beside its schemas and views.
export * from "./api-keys/routes";
export * from "./artifacts/routes";
export * from "./audit/routes";
export * from "./identity/routes";
export * from "./operations/routes";
export * from "./search/routes";
export * from "./sharing/routes";
export * from "./storage-events/routes";
export * from "./uploads/routes";
export * from "./uppy/routes";
export * from "./webhooks/routes";

/** Every route, in the order the OpenAPI document lists them. */
export const ROUTES: readonly RouteContract[] = [
  uploads.planUpload,
  uploads.createUpload,
  uploads.signUploadParts,
  uploads.getUpload,
  uploads.completeUpload,
  uploads.createUploadBatch,
  uploads.completeUploadBatch,
  uploads.abortUpload,
  uppy.uppyCreateMultipartUpload,
  uppy.uppyListParts,
  uppy.uppyCompleteUpload,
  search.searchArtifacts,
  artifacts.getArtifact,
  artifacts.updateArtifact,
  artifacts.artifactHistory,
  artifacts.downloadArtifact,
  artifacts.deleteArtifact,
  sharing.listGrants,
  sharing.putGrant,
  sharing.deleteGrant,
  identity.getIdentity,
  apiKeys.createApiKey,
  apiKeys.listApiKeys,
  apiKeys.revokeApiKey,
  audit.queryAudit,
  audit.verifyAudit,
  audit.exportAudit,
  operations.reindex,
  operations.backupNow,
  operations.listBackups,
  operations.restoreBackup,
  operations.verifyArtifact,
  operations.scrubArtifacts,
  operations.reconcileStorage,
  operations.expireArtifacts,
  operations.integrityReport,
  webhooks.createWebhook,
  webhooks.listWebhooks,
  webhooks.deleteWebhook,
  webhooks.resumeWebhook,
  webhooks.listWebhookDeliveries,
  webhooks.redeliverWebhook,
  storageEvents.storageEvents,
  operations.health,
  operations.openApiDocument,
];
