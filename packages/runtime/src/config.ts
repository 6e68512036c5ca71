import { join, resolve } from "node:path";
import type {
  ReconcileSettings,
  ScrubSettings,
  ServiceSettings,
  VerificationSettings,
} from "@artifact-store/artifacts";
import type { TokenSettings } from "@artifact-store/auth";
import type { BackupSettings } from "@artifact-store/backup";
import type { DatabaseConfig } from "@artifact-store/catalog";
import type { StorageConfig } from "@artifact-store/storage";
import type { WebhookSettings } from "@artifact-store/webhooks";
// The guard alone: the rest of the webhooks package has no business in every function's bundle.
import { parsePrivateRanges } from "@artifact-store/webhooks/target-guard";
import { ConfigError, read } from "./settings";

/** What every function needs. Storage settings are read apart, only by functions that talk to S3. */
export interface Config {
  database: DatabaseConfig;
  auth: TokenSettings;
  service: ServiceSettings;
  /** Signing requests (upload, part and download URLs) per principal per minute. */
  signingRateLimitPerMinute: number;
  /** An audit segment is exported once it holds this many events, or its newest is this old. */
  auditSegment: { size: number; maxAgeSeconds: number };
  /** When and how stored bytes are proven to be the declared ones. */
  verification: VerificationSettings;
  /** Deployed: the verify-artifacts function a completed upload is handed to; unset: this process. */
  verifyFunctionArn: string | undefined;
  /** How much the scheduled scrubber re-reads per run. */
  scrub: ScrubSettings;
  /** What the reconciler may repair on its own. */
  reconcile: ReconcileSettings;
  /** Webhook targets and delivery. */
  webhooks: WebhookSettings;
  /** The bearer token storage presents with bucket notifications; unset: the endpoint refuses all. */
  storageEventsToken: string | undefined;
  /** Where snapshots go, and how many are kept. */
  backup: BackupSettings;
}

type Env = Record<string, string | undefined>;

export { ConfigError };

/** At least one way to verify tokens: a shared HS256 secret, an identity provider's JWKS, or both. */
const tokenKeys = (env: Env): Pick<TokenSettings, "hs256Secret" | "jwksUrl"> => {
  const hs256Secret = read(env, "AUTH_JWT_SECRET");
  const jwksUrl = read(env, "AUTH_JWKS_URL");
  if (!hs256Secret && !jwksUrl) {
    throw new ConfigError("Set AUTH_JWT_SECRET or AUTH_JWKS_URL; see the README's configuration table.");
  }
  return { hs256Secret, jwksUrl };
};

export const loadStorageConfig = (env: Env = process.env): StorageConfig => {
  const endpoint = read(env, "S3_ENDPOINT");
  return {
    ...(endpoint ? { endpoint } : {}),
    region: read(env, "S3_REGION"),
    accessKeyId: read(env, "S3_ACCESS_KEY_ID"),
    secretAccessKey: read(env, "S3_SECRET_ACCESS_KEY"),
    bucket: read(env, "S3_BUCKET"),
    // Self-hosted servers (MinIO, Ceph) need path-style; AWS prefers virtual-hosted.
    forcePathStyle: read(env, "S3_FORCE_PATH_STYLE") ?? endpoint !== undefined,
    browserOrigins: read(env, "S3_CORS_ORIGINS"),
    checksumSha256: read(env, "S3_CHECKSUM_SHA256"),
    bucketPolicy: read(env, "S3_BUCKET_POLICY"),
  };
};

/**
 * The non-public ranges webhook targets may reach: WEBHOOK_ALLOWED_PRIVATE_CIDRS, plus every
 * range with WEBHOOK_ALLOW_PRIVATE_TARGETS=true, the older all-or-nothing switch (kept for
 * existing deployments). Link-local and metadata addresses stay closed either way.
 */
const webhookPrivateRanges = (env: Env): string[] => {
  const everything = read(env, "WEBHOOK_ALLOW_PRIVATE_TARGETS") ? ["0.0.0.0/0", "::/0"] : [];
  const raw = read(env, "WEBHOOK_ALLOWED_PRIVATE_CIDRS");
  try {
    return [...everything, ...parsePrivateRanges(raw)];
  } catch (error) {
    throw new ConfigError(`WEBHOOK_ALLOWED_PRIVATE_CIDRS=${raw}: ${(error as Error).message}.`);
  }
};

const DAY = 24 * 60 * 60;

/**
 * Reads and checks every setting once (settings.ts says which, with their defaults), so a bad
 * value fails at start, not on some later request.
 */
export const loadConfig = (env: Env = process.env): Config => {
  const databaseUrl = read(env, "DATABASE_URL");
  return {
    database: {
      ...(databaseUrl ? { url: databaseUrl } : {}),
      embeddedDataDir: read(env, "CATALOG_DATA_DIR") ?? join(resolve(read(env, "DATA_DIR")), "catalog"),
      maxConnections: read(env, "DATABASE_POOL_SIZE"),
    },
    auth: {
      ...tokenKeys(env),
      issuer: read(env, "AUTH_JWT_ISSUER"),
      audience: read(env, "AUTH_JWT_AUDIENCE"),
      allowTokensWithoutExpiry: read(env, "AUTH_ALLOW_TOKENS_WITHOUT_EXP"),
      maxLifetimeSeconds: read(env, "AUTH_MAX_TOKEN_LIFETIME_SECONDS"),
    },
    service: {
      limits: {
        singleUploadThreshold: read(env, "UPLOAD_SINGLE_THRESHOLD_BYTES"),
        preferredPartSize: read(env, "UPLOAD_PART_SIZE_BYTES"),
        maxObjectSize: read(env, "UPLOAD_MAX_SIZE_BYTES"),
        initialPartUrls: read(env, "UPLOAD_INITIAL_PART_URLS"),
      },
      uploadUrlTtlSeconds: read(env, "UPLOAD_URL_TTL_SECONDS"),
      downloadUrlTtlSeconds: read(env, "DOWNLOAD_URL_TTL_SECONDS"),
      uploadTtlSeconds: read(env, "UPLOAD_TTL_SECONDS"),
      requirePartChecksums: read(env, "UPLOAD_REQUIRE_PART_CHECKSUMS"),
    },
    signingRateLimitPerMinute: read(env, "RATE_LIMIT_SIGNING_PER_MINUTE"),
    verification: {
      inlineMaxBytes: read(env, "VERIFY_INLINE_MAX_BYTES"),
      handOffAtOnce: read(env, "VERIFY_AT_ONCE"),
      runBudgetBytes: read(env, "VERIFY_RUN_BUDGET_BYTES"),
      // A Lambda runs at most 15 minutes: a claim older than that belongs to a run that died.
      claimSeconds: 15 * 60,
      contentTypeMismatch: read(env, "CONTENT_TYPE_MISMATCH"),
    },
    verifyFunctionArn: read(env, "VERIFY_FUNCTION_ARN"),
    scrub: {
      budgetBytes: read(env, "SCRUB_RUN_BUDGET_BYTES"),
      claimSeconds: 15 * 60,
    },
    reconcile: {
      deleteOrphansAfterSeconds: read(env, "RECONCILE_DELETE_ORPHANS_AFTER_SECONDS"),
    },
    webhooks: {
      allowedPrivateRanges: webhookPrivateRanges(env),
      timeoutMs: read(env, "WEBHOOK_TIMEOUT_SECONDS") * 1000,
      pausePolicy: {
        exhaustedDeliveries: read(env, "WEBHOOK_PAUSE_AFTER_FAILED_DELIVERIES"),
        failingForSeconds: DAY,
      },
      batchSize: 20,
      // The deployed function gets 300 s; a run stops claiming well before.
      runBudgetMs: 200_000,
    },
    storageEventsToken: read(env, "STORAGE_EVENTS_TOKEN"),
    backup: {
      bucket: read(env, "BACKUP_BUCKET") ?? `${read(env, "S3_BUCKET")}-backup`,
      keepDaily: read(env, "BACKUP_KEEP_DAILY"),
      keepWeekly: read(env, "BACKUP_KEEP_WEEKLY"),
    },
    auditSegment: {
      size: read(env, "AUDIT_SEGMENT_SIZE"),
      maxAgeSeconds: read(env, "AUDIT_SEGMENT_MAX_AGE_SECONDS"),
    },
  };
};
