import { ArtifactParams, ArtifactView } from "../artifacts/schemas";
import { defineRoute, error, errors, withShared } from "../common/routes";
import {
  BackupList,
  BackupParams,
  BackupReport,
  ExpiryRunView,
  Health,
  IntegrityReport,
  IntegrityReportQuery,
  IntegrityRunView,
  ReindexReport,
  RestoreReport,
  RestoreRequest,
} from "./schemas";

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
    { 200: { description: "What was restored and skipped", schema: ReindexReport } },
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
  responses: withShared({ 200: { description: "The snapshot taken", schema: BackupReport } }, errors),
});

export const listBackups = defineRoute({
  operationId: "listBackups",
  method: "get",
  path: "/v1/admin/backups",
  summary: "The snapshots in the backup bucket, newest first (admin)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "Snapshots", schema: BackupList } }, errors),
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
  params: BackupParams,
  body: RestoreRequest,
  responses: withShared(
    { 200: { description: "What was (or would be) restored", schema: RestoreReport } },
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
  responses: withShared({ 200: { description: "The run's report", schema: IntegrityRunView } }, errors),
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
  responses: withShared({ 200: { description: "The run's report", schema: IntegrityRunView } }, errors),
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
  responses: withShared({ 200: { description: "What the run deleted", schema: ExpiryRunView } }, errors),
});

export const integrityReport = defineRoute({
  operationId: "integrityReport",
  method: "get",
  path: "/v1/admin/integrity",
  summary: "The latest scrub and reconcile reports, newest first (admin)",
  tag: "operations",
  auth: "required",
  scope: "admin",
  query: IntegrityReportQuery,
  responses: withShared({ 200: { description: "Recent runs", schema: IntegrityReport } }, errors),
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
  params: ArtifactParams,
  responses: withShared(
    {
      200: { description: "The artifact with its new integrity report", schema: ArtifactView },
      409: error("The artifact is pending or deleted: no bytes to verify"),
    },
    errors,
  ),
});

export const health = defineRoute({
  operationId: "health",
  method: "get",
  path: "/v1/health",
  summary: "Liveness of storage and catalogue, with latencies",
  tag: "operations",
  auth: "none",
  responses: {
    200: { description: "All dependencies answer", schema: Health },
    503: { description: "A dependency is down", schema: Health },
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
