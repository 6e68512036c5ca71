import type { HttpMethod, RouteContract } from "@artifact-store/api";
import { routes } from "@artifact-store/api";

/** An EventBridge schedule expression, as `sst.aws.CronV2` takes it. */
export type ScheduleExpression = `rate(${string})` | `cron(${string})`;

export interface FunctionEntry {
  /** Deployed function name (kebab-case; the SST resource is its PascalCase form). */
  name: string;
  /** Module path from the repository root; it exports `app` (Hono) and `handler` (Lambda). */
  module: string;
  /** Routes behind the HTTP API; empty for a function that only runs on a schedule or its URL. */
  routes: readonly RouteContract[];
  /** Whether the function talks to storage (and so bundles the AWS SDK). */
  usesStorage: boolean;
  /**
   * Run on a schedule: deployed with an `sst.aws.CronV2` that invokes the function's `handler`
   * with the EventBridge event. `npm start` does not run schedules.
   */
  schedule?: ScheduleExpression;
  /** Give the function its own Lambda function URL (e.g. storage notifications posting to it). */
  url?: boolean;
  /**
   * Invoked by `sst deploy` (an `aws.lambda.Invocation`) whenever the catalogue's schema version
   * changes: the migrate-catalog function.
   */
  runOnDeploy?: boolean;
  /**
   * Completes uploads, so hands those too large to verify inline to `verify-artifacts` at once:
   * deployed with that function's ARN (VERIFY_FUNCTION_ARN) and leave to invoke it.
   */
  handsOffVerification?: boolean;
  /** Lambda timeout when the 30 s default is not enough (scheduled jobs). */
  timeoutSeconds?: number;
  /** Lambda memory when the 512 MiB default is not enough. */
  memoryMiB?: number;
}

/**
 * Packages left out of every Lambda bundle. Deployed functions always use DATABASE_URL, so the
 * embedded PGlite (several MiB of WebAssembly) is never loaded there; the catalogue imports it
 * lazily, so leaving it out is safe. sst.config.ts and packages/bundle both read this list.
 */
export const LAMBDA_EXTERNAL: readonly string[] = [
  "@electric-sql/pglite",
  // `debug` (which file-type's zip reader logs through) tries this optional peer in a try block;
  // it is not installed, so it stays out and debug prints without colours.
  "supports-color",
];

/**
 * The esbuild plugins file of every Lambda bundle, relative to sst.config.ts (SST's
 * `nodejs.plugins`); packages/bundle imports the same file.
 */
export const LAMBDA_PLUGINS = "packages/bundle/lambda-plugins.mjs";

/** `create-upload` -> `CreateUpload`: SST resource names are PascalCase letters and digits. */
export const resourceName = (name: string): string =>
  name.replace(/(^|[-_])([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase());

/** `functions/create-upload.ts` -> `functions/create-upload.handler`, the form SST's `handler` takes. */
export const lambdaHandler = (entry: Pick<FunctionEntry, "module">): string =>
  `${entry.module.replace(/\.[cm]?[jt]s$/, "")}.handler`;

/** `{method: "post", path: "/v1/uploads/:uploadId/parts"}` -> `POST /v1/uploads/{uploadId}/parts`. */
export const gatewayRoute = (route: { method: HttpMethod; path: string }): string =>
  `${route.method.toUpperCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`;

export const FUNCTIONS: readonly FunctionEntry[] = [
  {
    name: "create-upload",
    module: "functions/create-upload.ts",
    routes: [routes.createUpload],
    usesStorage: true,
  },
  // Before get-upload: the local router tries routes in this order, and /v1/uploads/plan also
  // matches /v1/uploads/:uploadId (API Gateway picks the more specific route itself).
  { name: "plan-upload", module: "functions/plan-upload.ts", routes: [routes.planUpload], usesStorage: true },
  {
    name: "sign-upload-parts",
    module: "functions/sign-upload-parts.ts",
    routes: [routes.signUploadParts],
    usesStorage: true,
  },
  { name: "get-upload", module: "functions/get-upload.ts", routes: [routes.getUpload], usesStorage: true },
  {
    name: "complete-upload",
    module: "functions/complete-upload.ts",
    routes: [routes.completeUpload],
    usesStorage: true,
    handsOffVerification: true,
  },
  {
    name: "uppy-create-multipart-upload",
    module: "functions/uppy-create-multipart-upload.ts",
    routes: [routes.uppyCreateMultipartUpload],
    usesStorage: true,
  },
  {
    name: "uppy-list-parts",
    module: "functions/uppy-list-parts.ts",
    routes: [routes.uppyListParts],
    usesStorage: true,
  },
  {
    name: "uppy-complete-upload",
    module: "functions/uppy-complete-upload.ts",
    routes: [routes.uppyCompleteUpload],
    usesStorage: true,
    handsOffVerification: true,
  },
  {
    name: "create-upload-batch",
    module: "functions/create-upload-batch.ts",
    routes: [routes.createUploadBatch],
    usesStorage: true,
  },
  {
    name: "complete-upload-batch",
    module: "functions/complete-upload-batch.ts",
    routes: [routes.completeUploadBatch],
    usesStorage: true,
    handsOffVerification: true,
  },
  {
    name: "abort-upload",
    module: "functions/abort-upload.ts",
    routes: [routes.abortUpload],
    usesStorage: true,
  },
  {
    name: "search-artifacts",
    module: "functions/search-artifacts.ts",
    routes: [routes.searchArtifacts],
    usesStorage: false,
  },
  {
    name: "get-artifact",
    module: "functions/get-artifact.ts",
    routes: [routes.getArtifact],
    usesStorage: true,
  },
  {
    name: "download-artifact",
    module: "functions/download-artifact.ts",
    routes: [routes.downloadArtifact],
    usesStorage: true,
  },
  {
    name: "delete-artifact",
    module: "functions/delete-artifact.ts",
    routes: [routes.deleteArtifact],
    usesStorage: true,
  },
  {
    name: "update-artifact",
    module: "functions/update-artifact.ts",
    routes: [routes.updateArtifact],
    usesStorage: true,
  },
  {
    name: "artifact-history",
    module: "functions/artifact-history.ts",
    routes: [routes.artifactHistory],
    usesStorage: true,
  },
  { name: "list-grants", module: "functions/list-grants.ts", routes: [routes.listGrants], usesStorage: true },
  { name: "put-grant", module: "functions/put-grant.ts", routes: [routes.putGrant], usesStorage: true },
  {
    name: "delete-grant",
    module: "functions/delete-grant.ts",
    routes: [routes.deleteGrant],
    usesStorage: true,
  },
  {
    name: "create-api-key",
    module: "functions/create-api-key.ts",
    routes: [routes.createApiKey],
    usesStorage: false,
  },
  {
    name: "get-identity",
    module: "functions/get-identity.ts",
    routes: [routes.getIdentity],
    usesStorage: false,
  },
  {
    name: "list-api-keys",
    module: "functions/list-api-keys.ts",
    routes: [routes.listApiKeys],
    usesStorage: false,
  },
  {
    name: "revoke-api-key",
    module: "functions/revoke-api-key.ts",
    routes: [routes.revokeApiKey],
    usesStorage: false,
  },
  {
    name: "query-audit",
    module: "functions/query-audit.ts",
    routes: [routes.queryAudit],
    usesStorage: false,
  },
  {
    name: "verify-audit",
    module: "functions/verify-audit.ts",
    routes: [routes.verifyAudit],
    usesStorage: false,
  },
  {
    name: "export-audit",
    module: "functions/export-audit.ts",
    routes: [routes.exportAudit],
    usesStorage: true,
    schedule: "rate(1 hour)",
    timeoutSeconds: 300,
  },
  {
    name: "reindex",
    module: "functions/reindex.ts",
    routes: [routes.reindex],
    usesStorage: true,
    timeoutSeconds: 900,
  },
  {
    // A snapshot a day: records to the backup bucket, new content copied server-side; then retention.
    name: "backup-now",
    module: "functions/backup-now.ts",
    routes: [routes.backupNow],
    usesStorage: true,
    schedule: "rate(1 day)",
    timeoutSeconds: 900,
  },
  {
    name: "list-backups",
    module: "functions/list-backups.ts",
    routes: [routes.listBackups],
    usesStorage: true,
  },
  {
    name: "restore-backup",
    module: "functions/restore-backup.ts",
    routes: [routes.restoreBackup],
    usesStorage: true,
    timeoutSeconds: 900,
    memoryMiB: 1024,
  },
  {
    // Uploaded artifacts too large to verify at completion: each at once, invoked by the function
    // that completed it, and on the schedule, oldest first within a byte budget, as the net.
    name: "verify-artifacts",
    module: "functions/verify-artifacts.ts",
    routes: [routes.verifyArtifact],
    usesStorage: true,
    schedule: "rate(1 minute)",
    timeoutSeconds: 900,
    memoryMiB: 1024,
  },
  {
    // Verified artifacts re-read, least recently verified first, within a byte budget per run.
    name: "scrub-artifacts",
    module: "functions/scrub-artifacts.ts",
    routes: [routes.scrubArtifacts],
    usesStorage: true,
    schedule: "rate(1 hour)",
    timeoutSeconds: 900,
    memoryMiB: 1024,
  },
  {
    // Catalogue against bucket, and upload sessions left open past their expiry.
    name: "reconcile-storage",
    module: "functions/reconcile-storage.ts",
    routes: [routes.reconcileStorage],
    usesStorage: true,
    handsOffVerification: true,
    schedule: "rate(6 hours)",
    timeoutSeconds: 900,
  },
  {
    // Artifacts past their expiry and not under legal hold, deleted within a budget per run.
    name: "expire-artifacts",
    module: "functions/expire-artifacts.ts",
    routes: [routes.expireArtifacts],
    usesStorage: true,
    schedule: "rate(1 hour)",
    timeoutSeconds: 300,
  },
  {
    name: "integrity-report",
    module: "functions/integrity-report.ts",
    routes: [routes.integrityReport],
    usesStorage: false,
  },
  {
    name: "create-webhook",
    module: "functions/create-webhook.ts",
    routes: [routes.createWebhook],
    usesStorage: false,
  },
  {
    name: "list-webhooks",
    module: "functions/list-webhooks.ts",
    routes: [routes.listWebhooks],
    usesStorage: false,
  },
  {
    name: "delete-webhook",
    module: "functions/delete-webhook.ts",
    routes: [routes.deleteWebhook],
    usesStorage: false,
  },
  {
    name: "resume-webhook",
    module: "functions/resume-webhook.ts",
    routes: [routes.resumeWebhook],
    usesStorage: false,
  },
  {
    name: "list-webhook-deliveries",
    module: "functions/list-webhook-deliveries.ts",
    routes: [routes.listWebhookDeliveries],
    usesStorage: false,
  },
  {
    name: "redeliver-webhook",
    module: "functions/redeliver-webhook.ts",
    routes: [routes.redeliverWebhook],
    usesStorage: false,
  },
  {
    // Applies catalogue migrations on deploy; every other function only checks the version.
    name: "migrate-catalog",
    module: "functions/migrate-catalog.ts",
    routes: [],
    usesStorage: false,
    runOnDeploy: true,
    timeoutSeconds: 300,
  },
  {
    // The outbox's due deliveries, signed and POSTed to their subscribers, with backoff.
    name: "deliver-webhooks",
    module: "functions/deliver-webhooks.ts",
    routes: [],
    usesStorage: false,
    schedule: "rate(1 minute)",
    timeoutSeconds: 300,
  },
  {
    // Bucket notifications (S3, Ceph RGW, MinIO) post to its own function URL.
    name: "storage-events",
    module: "functions/storage-events.ts",
    routes: [routes.storageEvents],
    usesStorage: true,
    handsOffVerification: true,
    url: true,
  },
  { name: "health", module: "functions/health.ts", routes: [routes.health], usesStorage: true },
  { name: "openapi", module: "functions/openapi.ts", routes: [routes.openApiDocument], usesStorage: false },
];
