import type { Scope } from "@artifact-store/core";
import type { GenericSchema } from "valibot";
import * as s from "./schemas";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** Who may call: "required" needs credentials; "optional" serves anonymous callers too. */
export type AuthPolicy = "required" | "optional" | "none";

export interface ResponseContract {
  description: string;
  schema?: GenericSchema;
}

export interface RouteContract {
  operationId: string;
  method: HttpMethod;
  /** Hono path syntax (`/v1/uploads/:uploadId`). */
  path: string;
  summary: string;
  tag: string;
  auth: AuthPolicy;
  /** The scope a caller needs (users hold read, upload and write; admins also admin). */
  scope?: Scope;
  /** Signing endpoints are rate limited per principal. */
  rateLimited?: boolean;
  /** Honours `If-Match: "<version>"` (412 when the artifact has moved on; `*` or none: no check). */
  ifMatch?: boolean;
  params?: GenericSchema;
  query?: GenericSchema;
  body?: GenericSchema;
  responses: Record<number, ResponseContract>;
}

// Marked free of side effects, so a bundle keeps only the routes (and schemas) it uses; an object
// spread in a route would defeat that (a bundler must assume it may run a getter).
/* @__NO_SIDE_EFFECTS__ */
function defineRoute<const T extends RouteContract>(route: T): T {
  return route;
}

/* @__NO_SIDE_EFFECTS__ */
function error(description: string) {
  return { description, schema: s.ErrorBody };
}
const errors = {
  400: error("Invalid input"),
  401: error("Missing or invalid credentials"),
  403: error("The credentials lack the scope, or the caller may read but not change this"),
  404: error("Not found, or not visible to the caller"),
} as const;
const limited = { 429: error("Too many signing requests; see Retry-After") } as const;

/** A route's own responses and the shared ones it can give (no object spread: see defineRoute). */
/* @__NO_SIDE_EFFECTS__ */
function withShared(
  own: Record<number, ResponseContract>,
  ...shared: Record<number, ResponseContract>[]
): Record<number, ResponseContract> {
  return Object.assign({}, ...shared, own);
}

export const createUpload = defineRoute({
  operationId: "createUpload",
  method: "post",
  path: "/v1/uploads",
  summary: "Open an upload and get presigned URLs to send its bytes straight to storage",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  rateLimited: true,
  body: s.CreateUploadBody,
  responses: withShared(
    {
      200: {
        description: "Deduplicated: the caller already holds this content; nothing to upload",
        schema: s.UploadDeduplicated,
      },
      201: { description: "Upload opened", schema: s.UploadCreated },
      400: errors[400],
      401: errors[401],
      403: errors[403],
      413: error("Declared size over the limit"),
    },
    limited,
  ),
});

export const signUploadParts = defineRoute({
  operationId: "signUploadParts",
  method: "post",
  path: "/v1/uploads/:uploadId/parts",
  summary: "Sign (or re-sign) part URLs of an open upload",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  rateLimited: true,
  params: s.UploadParams,
  body: s.SignPartsBody,
  responses: withShared(
    {
      200: { description: "Fresh part URLs", schema: s.SignedParts },
      409: error("Upload no longer open"),
      410: error("Upload expired"),
    },
    errors,
    limited,
  ),
});

export const getUpload = defineRoute({
  operationId: "getUpload",
  method: "get",
  path: "/v1/uploads/:uploadId",
  summary: "State of an upload and the parts storage already holds",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: s.UploadParams,
  responses: withShared({ 200: { description: "Upload status", schema: s.UploadStatus } }, errors),
});

export const completeUpload = defineRoute({
  operationId: "completeUpload",
  method: "post",
  path: "/v1/uploads/:uploadId/complete",
  summary: "Complete an upload from the parts storage holds and record the artifact",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: s.UploadParams,
  body: s.CompleteUploadBody,
  responses: withShared(
    {
      200: { description: "The recorded artifact", schema: s.ArtifactView },
      409: error("Parts missing, sizes wrong, or upload aborted"),
      410: error("Upload expired"),
    },
    errors,
  ),
});

export const abortUpload = defineRoute({
  operationId: "abortUpload",
  method: "delete",
  path: "/v1/uploads/:uploadId",
  summary: "Abort an open upload and free its parts in storage",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: s.UploadParams,
  responses: withShared({ 204: { description: "Aborted" }, 409: error("Upload already completed") }, errors),
});

export const searchArtifacts = defineRoute({
  operationId: "searchArtifacts",
  method: "get",
  path: "/v1/artifacts",
  summary:
    "Find artifacts the caller may see: tags, type, owner, state, size and time ranges, hash, provenance, metadata, free text; cursor paging",
  tag: "artifacts",
  auth: "optional",
  scope: "read",
  query: s.SearchQuery,
  responses: {
    200: { description: "A page of artifacts", schema: s.SearchPage },
    400: errors[400],
    401: errors[401],
    403: error("The credentials lack the read scope, or a non-admin filtered by another owner"),
  },
});

export const getArtifact = defineRoute({
  operationId: "getArtifact",
  method: "get",
  path: "/v1/artifacts/:artifactId",
  summary: "An artifact's metadata; the ETag header holds its version",
  tag: "artifacts",
  auth: "optional",
  scope: "read",
  params: s.ArtifactParams,
  responses: withShared(
    { 200: { description: 'The artifact, with ETag: "<version>"', schema: s.ArtifactView } },
    errors,
  ),
});

export const updateArtifact = defineRoute({
  operationId: "updateArtifact",
  method: "patch",
  path: "/v1/artifacts/:artifactId",
  summary:
    "Change an artifact's visibility, metadata, tags or expiry (owner or admin) or its legal hold (admin); If-Match on its version guards against lost updates",
  tag: "artifacts",
  auth: "required",
  scope: "write",
  ifMatch: true,
  params: s.ArtifactParams,
  body: s.UpdateArtifactBody,
  responses: withShared(
    {
      200: { description: 'The changed artifact, with ETag: "<version>"', schema: s.ArtifactView },
      412: error("If-Match names a version the artifact no longer has; details.currentVersion holds it"),
    },
    errors,
  ),
});

export const artifactHistory = defineRoute({
  operationId: "artifactHistory",
  method: "get",
  path: "/v1/artifacts/:artifactId/history",
  summary: "Every version of an artifact's metadata, tags and visibility, newest first (owner or admin)",
  tag: "artifacts",
  auth: "required",
  scope: "write",
  params: s.ArtifactParams,
  responses: withShared(
    { 200: { description: "Versions, newest first", schema: s.ArtifactHistory } },
    errors,
  ),
});

export const downloadArtifact = defineRoute({
  operationId: "downloadArtifact",
  method: "get",
  path: "/v1/artifacts/:artifactId/download",
  summary: "Redirect to a short-lived presigned download URL (or return it with redirect=false)",
  tag: "artifacts",
  auth: "optional",
  scope: "read",
  rateLimited: true,
  params: s.ArtifactParams,
  query: s.DownloadQuery,
  responses: withShared(
    {
      200: { description: "The URL, with redirect=false", schema: s.DownloadLink },
      302: { description: "Redirect to the presigned URL" },
      409: error(
        "The bytes are not served: artifact_not_verified (not checked yet; see Retry-After), artifact_corrupt (quarantined; details.reason says why), or not available (pending)",
      ),
    },
    errors,
    limited,
  ),
});

export const deleteArtifact = defineRoute({
  operationId: "deleteArtifact",
  method: "delete",
  path: "/v1/artifacts/:artifactId",
  summary: "Delete an artifact's object and mark its record deleted (owner or admin; never under legal hold)",
  tag: "artifacts",
  auth: "required",
  scope: "write",
  params: s.ArtifactParams,
  responses: withShared(
    {
      204: { description: "Deleted" },
      409: error("Under legal hold (legal_hold), or still uploading (upload_in_progress)"),
    },
    errors,
  ),
});

export const listGrants = defineRoute({
  operationId: "listGrants",
  method: "get",
  path: "/v1/artifacts/:artifactId/grants",
  summary: "Users a private artifact is shared with (owner or admin)",
  tag: "sharing",
  auth: "required",
  scope: "write",
  params: s.ArtifactParams,
  responses: withShared({ 200: { description: "Grants", schema: s.GrantList } }, errors),
});

export const putGrant = defineRoute({
  operationId: "putGrant",
  method: "put",
  path: "/v1/artifacts/:artifactId/grants/:grantee",
  summary: "Share a private artifact with a user, optionally until a time (owner or admin)",
  tag: "sharing",
  auth: "required",
  scope: "write",
  params: s.GrantParams,
  body: s.PutGrantBody,
  responses: withShared({ 200: { description: "The grant", schema: s.GrantView } }, errors),
});

export const deleteGrant = defineRoute({
  operationId: "deleteGrant",
  method: "delete",
  path: "/v1/artifacts/:artifactId/grants/:grantee",
  summary: "Revoke a user's grant (owner or admin)",
  tag: "sharing",
  auth: "required",
  scope: "write",
  params: s.GrantParams,
  responses: withShared({ 204: { description: "Revoked" } }, errors),
});

export const createApiKey = defineRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/v1/api-keys",
  summary: "Create an API key for a service; the key is shown only in this answer (admin)",
  tag: "api-keys",
  auth: "required",
  scope: "admin",
  body: s.CreateApiKeyBody,
  responses: withShared({ 201: { description: "The key, shown once", schema: s.CreatedApiKey } }, errors),
});

export const listApiKeys = defineRoute({
  operationId: "listApiKeys",
  method: "get",
  path: "/v1/api-keys",
  summary: "Every API key, without secrets (admin)",
  tag: "api-keys",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "Keys", schema: s.ApiKeyList } }, errors),
});

export const revokeApiKey = defineRoute({
  operationId: "revokeApiKey",
  method: "delete",
  path: "/v1/api-keys/:keyId",
  summary: "Revoke an API key (admin)",
  tag: "api-keys",
  auth: "required",
  scope: "admin",
  params: s.ApiKeyParams,
  responses: withShared({ 204: { description: "Revoked" } }, errors),
});

export const queryAudit = defineRoute({
  operationId: "queryAudit",
  method: "get",
  path: "/v1/audit",
  summary: "Audit events, newest first, filtered, with cursor paging (admin)",
  tag: "audit",
  auth: "required",
  scope: "admin",
  query: s.AuditQuery,
  responses: withShared({ 200: { description: "A page of events", schema: s.AuditPage } }, errors),
});

export const verifyAudit = defineRoute({
  operationId: "verifyAudit",
  method: "get",
  path: "/v1/audit/verify",
  summary: "Recompute the audit hash chain and report the first break (admin)",
  tag: "audit",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "Verification report", schema: s.AuditVerifyReport } }, errors),
});

export const exportAudit = defineRoute({
  operationId: "exportAudit",
  method: "post",
  path: "/v1/audit/export",
  summary: "Export closed audit segments to the bucket as JSON Lines (admin; also scheduled)",
  tag: "audit",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "Segments exported", schema: s.AuditExportResult } }, errors),
});

export const reindex = defineRoute({
  operationId: "reindex",
  method: "post",
  path: "/v1/admin/reindex",
  summary:
    "Rebuild the catalogue's artifact records from the sidecars in the bucket, skipping any whose hash does not match (admin)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  responses: withShared(
    { 200: { description: "What was restored and skipped", schema: s.ReindexReport } },
    errors,
  ),
});

export const backupNow = defineRoute({
  operationId: "backupNow",
  method: "post",
  path: "/v1/admin/backups",
  summary:
    "Take a snapshot now: every artifact record, and new content copied server-side to the backup bucket; then apply retention (admin; also scheduled)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "The snapshot taken", schema: s.BackupReport } }, errors),
});

export const listBackups = defineRoute({
  operationId: "listBackups",
  method: "get",
  path: "/v1/admin/backups",
  summary: "The snapshots in the backup bucket, newest first (admin)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "Snapshots", schema: s.BackupList } }, errors),
});

export const restoreBackup = defineRoute({
  operationId: "restoreBackup",
  method: "post",
  path: "/v1/admin/backups/:snapshotId/restore",
  summary:
    "Restore artifacts from a snapshot, all or a selection; bytes are copied back and re-hashed; records changed since are kept unless overwriteNewer (admin)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  params: s.BackupParams,
  body: s.RestoreRequest,
  responses: withShared(
    { 200: { description: "What was (or would be) restored", schema: s.RestoreReport } },
    errors,
  ),
});

export const scrubArtifacts = defineRoute({
  operationId: "scrubArtifacts",
  method: "post",
  path: "/v1/admin/integrity/scrub",
  summary:
    "Re-verify verified artifacts now, least recently verified first, within the run's byte budget; quarantine any found missing, resized or rotted (admin; also scheduled)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "The run's report", schema: s.IntegrityRunView } }, errors),
});

export const reconcileStorage = defineRoute({
  operationId: "reconcileStorage",
  method: "post",
  path: "/v1/admin/integrity/reconcile",
  summary:
    "Compare catalogue and bucket now: objects with no record, records with no object, and upload sessions left open past their expiry, which are aborted (admin; also scheduled)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "The run's report", schema: s.IntegrityRunView } }, errors),
});

export const expireArtifacts = defineRoute({
  operationId: "expireArtifacts",
  method: "post",
  path: "/v1/admin/lifecycle/expire",
  summary:
    "Delete artifacts past their expiry now, oldest expiry first, within the run's budget; artifacts under legal hold are kept (admin; also scheduled)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "What the run deleted", schema: s.ExpiryRunView } }, errors),
});

export const integrityReport = defineRoute({
  operationId: "integrityReport",
  method: "get",
  path: "/v1/admin/integrity",
  summary: "The latest scrub and reconcile reports, newest first (admin)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  query: s.IntegrityReportQuery,
  responses: withShared({ 200: { description: "Recent runs", schema: s.IntegrityReport } }, errors),
});

export const verifyArtifact = defineRoute({
  operationId: "verifyArtifact",
  method: "post",
  path: "/v1/admin/artifacts/:artifactId/verify",
  summary:
    "Read an artifact's bytes back from storage now, check size, SHA-256 and type, and record verified or corrupt (admin)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  params: s.ArtifactParams,
  responses: withShared(
    {
      200: { description: "The artifact with its new integrity report", schema: s.ArtifactView },
      409: error("The artifact is pending or deleted: no bytes to verify"),
    },
    errors,
  ),
});

export const createWebhook = defineRoute({
  operationId: "createWebhook",
  method: "post",
  path: "/v1/webhooks",
  summary: "Subscribe a URL to artifact events; the answer holds the signing secret, shown this once",
  tag: "webhooks",
  auth: "required",
  scope: "write",
  body: s.CreateWebhookBody,
  responses: withShared(
    { 201: { description: "The subscription and its secret", schema: s.CreatedWebhook } },
    errors,
  ),
});

export const listWebhooks = defineRoute({
  operationId: "listWebhooks",
  method: "get",
  path: "/v1/webhooks",
  summary: "The caller's webhook subscriptions (admins: everyone's, or one user's with createdBy)",
  tag: "webhooks",
  auth: "required",
  scope: "read",
  query: s.ListWebhooksQuery,
  responses: withShared({ 200: { description: "Subscriptions", schema: s.WebhookList } }, errors),
});

export const deleteWebhook = defineRoute({
  operationId: "deleteWebhook",
  method: "delete",
  path: "/v1/webhooks/:webhookId",
  summary: "Delete a subscription; what it had queued is not sent",
  tag: "webhooks",
  auth: "required",
  scope: "write",
  params: s.WebhookParams,
  responses: withShared({ 204: { description: "Deleted" } }, errors),
});

export const resumeWebhook = defineRoute({
  operationId: "resumeWebhook",
  method: "post",
  path: "/v1/webhooks/:webhookId/resume",
  summary: "Resume a paused subscription; what was queued meanwhile goes out in order",
  tag: "webhooks",
  auth: "required",
  scope: "write",
  params: s.WebhookParams,
  responses: withShared({ 200: { description: "The subscription", schema: s.WebhookView } }, errors),
});

export const listWebhookDeliveries = defineRoute({
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/v1/webhooks/:webhookId/deliveries",
  summary: "A subscription's deliveries, newest first, each with its attempts",
  tag: "webhooks",
  auth: "required",
  scope: "read",
  params: s.WebhookParams,
  query: s.WebhookDeliveriesQuery,
  responses: withShared({ 200: { description: "Deliveries", schema: s.WebhookDeliveryList } }, errors),
});

export const redeliverWebhook = defineRoute({
  operationId: "redeliverWebhook",
  method: "post",
  path: "/v1/webhooks/deliveries/:deliveryId/redeliver",
  summary: "Queue one delivery again, due now (same webhook-id)",
  tag: "webhooks",
  auth: "required",
  scope: "write",
  params: s.WebhookDeliveryParams,
  responses: withShared(
    { 200: { description: "The delivery, queued", schema: s.WebhookDeliveryView } },
    errors,
  ),
});

export const storageEvents = defineRoute({
  operationId: "storageEvents",
  method: "post",
  path: "/v1/storage-events",
  summary:
    "Bucket notifications from storage (S3, Ceph RGW, MinIO): complete single-PUT uploads, re-verify overwritten or removed objects",
  tag: "operations",
  // Not a user's credential: storage presents STORAGE_EVENTS_TOKEN (checked by the function).
  auth: "none",
  body: s.StorageNotificationBody,
  responses: {
    200: { description: "What the notification changed", schema: s.StorageEventsRun },
    400: errors[400],
    401: error("Missing or wrong storage events token, or none configured"),
  },
});

export const health = defineRoute({
  operationId: "health",
  method: "get",
  path: "/v1/health",
  summary: "Liveness of storage and catalogue, with latencies",
  tag: "operations",
  auth: "none",
  responses: {
    200: { description: "All dependencies answer", schema: s.Health },
    503: { description: "A dependency is down", schema: s.Health },
  },
});

export const openApiDocument = defineRoute({
  operationId: "openApiDocument",
  method: "get",
  path: "/openapi.json",
  summary: "This document",
  tag: "operations",
  auth: "none",
  responses: { 200: { description: "OpenAPI 3.1 document" } },
});

export const ROUTES: readonly RouteContract[] = [
  createUpload,
  signUploadParts,
  getUpload,
  completeUpload,
  abortUpload,
  searchArtifacts,
  getArtifact,
  updateArtifact,
  artifactHistory,
  downloadArtifact,
  deleteArtifact,
  listGrants,
  putGrant,
  deleteGrant,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  queryAudit,
  verifyAudit,
  exportAudit,
  reindex,
  backupNow,
  listBackups,
  restoreBackup,
  verifyArtifact,
  scrubArtifacts,
  reconcileStorage,
  expireArtifacts,
  integrityReport,
  createWebhook,
  listWebhooks,
  deleteWebhook,
  resumeWebhook,
  listWebhookDeliveries,
  redeliverWebhook,
  storageEvents,
  health,
  openApiDocument,
];
