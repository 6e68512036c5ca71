import { join, resolve } from "node:path";
import type {
  ReconcileSettings,
  ScrubSettings,
  ServiceSettings,
  VerificationSettings,
} from "@artifact-store/artifacts";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS, type TokenSettings } from "@artifact-store/auth";
import type { BackupSettings } from "@artifact-store/backup";
import type { DatabaseConfig } from "@artifact-store/catalog";
import { DEFAULT_UPLOAD_LIMITS, S3_MIN_PART_SIZE } from "@artifact-store/core";
import type { StorageConfig } from "@artifact-store/storage";
import type { WebhookSettings } from "@artifact-store/webhooks";
// The guard alone: the rest of the webhooks package has no business in every function's bundle.
import { parsePrivateRanges } from "@artifact-store/webhooks/target-guard";

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

export class ConfigError extends Error {
  override name = "ConfigError";
}

const required = (env: Env, name: string): string => {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set; see the README's configuration table.`);
  return value;
};

const integer = (
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number => {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} must be a whole number from ${min} to ${max}.`);
  }
  return value;
};

const flag = (env: Env, name: string, fallback: boolean): boolean => {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes"].includes(raw)) return true;
  if (["0", "false", "no"].includes(raw)) return false;
  throw new ConfigError(`${name}=${raw} must be true or false.`);
};

const choice = <T extends string>(env: Env, name: string, options: readonly T[], fallback: T): T => {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (!options.includes(raw as T))
    throw new ConfigError(`${name}=${raw} must be one of ${options.join(", ")}.`);
  return raw as T;
};

const list = (env: Env, name: string): string[] =>
  (env[name] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

const DAY = 24 * 60 * 60;

/** At least one way to verify tokens: a shared HS256 secret, an identity provider's JWKS, or both. */
const tokenKeys = (env: Env): Pick<TokenSettings, "hs256Secret" | "jwksUrl"> => {
  const hs256Secret = env.AUTH_JWT_SECRET || undefined;
  const jwksUrl = env.AUTH_JWKS_URL || undefined;
  if (!hs256Secret && !jwksUrl) {
    throw new ConfigError("Set AUTH_JWT_SECRET or AUTH_JWKS_URL; see the README's configuration table.");
  }
  return { hs256Secret, jwksUrl };
};

export const loadStorageConfig = (env: Env = process.env): StorageConfig => {
  const endpoint = env.S3_ENDPOINT || undefined;
  return {
    ...(endpoint ? { endpoint } : {}),
    region: env.S3_REGION || "us-east-1",
    accessKeyId: required(env, "S3_ACCESS_KEY_ID"),
    secretAccessKey: required(env, "S3_SECRET_ACCESS_KEY"),
    bucket: env.S3_BUCKET || "artifacts",
    // Self-hosted servers (MinIO, Ceph) need path-style; AWS prefers virtual-hosted.
    forcePathStyle: flag(env, "S3_FORCE_PATH_STYLE", endpoint !== undefined),
    browserOrigins: list(env, "S3_CORS_ORIGINS"),
    checksumSha256: flag(env, "S3_CHECKSUM_SHA256", false),
    bucketPolicy: choice(env, "S3_BUCKET_POLICY", ["deny-anonymous", "none"] as const, "deny-anonymous"),
  };
};

/**
 * The non-public ranges webhook targets may reach: WEBHOOK_ALLOWED_PRIVATE_CIDRS, plus every
 * range with WEBHOOK_ALLOW_PRIVATE_TARGETS=true, the older all-or-nothing switch (kept for
 * existing deployments). Link-local and metadata addresses stay closed either way.
 */
const webhookPrivateRanges = (env: Env): string[] => {
  const everything = flag(env, "WEBHOOK_ALLOW_PRIVATE_TARGETS", false) ? ["0.0.0.0/0", "::/0"] : [];
  const raw = env.WEBHOOK_ALLOWED_PRIVATE_CIDRS ?? "";
  try {
    return [...everything, ...parsePrivateRanges(raw)];
  } catch (error) {
    throw new ConfigError(`WEBHOOK_ALLOWED_PRIVATE_CIDRS=${raw}: ${(error as Error).message}.`);
  }
};

/** Reads and checks every setting once, so a bad value fails at start, not on some later request. */
export const loadConfig = (env: Env = process.env): Config => {
  const dataDir = resolve(env.DATA_DIR || ".data");
  return {
    database: {
      ...(env.DATABASE_URL ? { url: env.DATABASE_URL } : {}),
      embeddedDataDir: env.CATALOG_DATA_DIR || join(dataDir, "catalog"),
      maxConnections: integer(env, "DATABASE_POOL_SIZE", 5, 1, 100),
    },
    auth: {
      ...tokenKeys(env),
      issuer: env.AUTH_JWT_ISSUER || undefined,
      audience: env.AUTH_JWT_AUDIENCE || undefined,
      allowTokensWithoutExpiry: flag(env, "AUTH_ALLOW_TOKENS_WITHOUT_EXP", false),
      maxLifetimeSeconds: integer(
        env,
        "AUTH_MAX_TOKEN_LIFETIME_SECONDS",
        DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
        60,
        3660 * DAY,
      ),
    },
    service: {
      limits: {
        singleUploadThreshold: integer(
          env,
          "UPLOAD_SINGLE_THRESHOLD_BYTES",
          DEFAULT_UPLOAD_LIMITS.singleUploadThreshold,
          0,
          5 * 1024 ** 3,
        ),
        preferredPartSize: integer(
          env,
          "UPLOAD_PART_SIZE_BYTES",
          DEFAULT_UPLOAD_LIMITS.preferredPartSize,
          S3_MIN_PART_SIZE,
          5 * 1024 ** 3,
        ),
        maxObjectSize: integer(
          env,
          "UPLOAD_MAX_SIZE_BYTES",
          DEFAULT_UPLOAD_LIMITS.maxObjectSize,
          0,
          5 * 1024 ** 4,
        ),
        initialPartUrls: integer(
          env,
          "UPLOAD_INITIAL_PART_URLS",
          DEFAULT_UPLOAD_LIMITS.initialPartUrls,
          1,
          1000,
        ),
      },
      uploadUrlTtlSeconds: integer(env, "UPLOAD_URL_TTL_SECONDS", 15 * 60, 1, 7 * DAY),
      downloadUrlTtlSeconds: integer(env, "DOWNLOAD_URL_TTL_SECONDS", 5 * 60, 1, 7 * DAY),
      uploadTtlSeconds: integer(env, "UPLOAD_TTL_SECONDS", DAY, 1, 30 * DAY),
      requirePartChecksums: flag(env, "UPLOAD_REQUIRE_PART_CHECKSUMS", true),
    },
    signingRateLimitPerMinute: integer(env, "RATE_LIMIT_SIGNING_PER_MINUTE", 600, 1, 1_000_000),
    verification: {
      inlineMaxBytes: integer(env, "VERIFY_INLINE_MAX_BYTES", 8 * 1024 ** 2, 0, 5 * 1024 ** 4),
      runBudgetBytes: integer(env, "VERIFY_RUN_BUDGET_BYTES", 8 * 1024 ** 3, 1, 5 * 1024 ** 4),
      // A Lambda runs at most 15 minutes: a claim older than that belongs to a run that died.
      claimSeconds: 15 * 60,
      contentTypeMismatch: choice(env, "CONTENT_TYPE_MISMATCH", ["flag", "reject"] as const, "flag"),
    },
    scrub: {
      budgetBytes: integer(env, "SCRUB_RUN_BUDGET_BYTES", 4 * 1024 ** 3, 1, 5 * 1024 ** 4),
      claimSeconds: 15 * 60,
    },
    reconcile: {
      // Off unless set: an object nothing points to may be what a lost catalogue still needs.
      deleteOrphansAfterSeconds: env.RECONCILE_DELETE_ORPHANS_AFTER_SECONDS
        ? integer(env, "RECONCILE_DELETE_ORPHANS_AFTER_SECONDS", DAY, 60, 3650 * DAY)
        : null,
    },
    webhooks: {
      allowedPrivateRanges: webhookPrivateRanges(env),
      timeoutMs: integer(env, "WEBHOOK_TIMEOUT_SECONDS", 10, 1, 60) * 1000,
      pausePolicy: {
        exhaustedDeliveries: integer(env, "WEBHOOK_PAUSE_AFTER_FAILED_DELIVERIES", 5, 1, 1000),
        failingForSeconds: DAY,
      },
      batchSize: 20,
      // The deployed function gets 300 s; a run stops claiming well before.
      runBudgetMs: 200_000,
    },
    storageEventsToken: env.STORAGE_EVENTS_TOKEN || undefined,
    backup: {
      bucket: env.BACKUP_BUCKET || `${env.S3_BUCKET || "artifacts"}-backup`,
      keepDaily: integer(env, "BACKUP_KEEP_DAILY", 7, 1, 3650),
      keepWeekly: integer(env, "BACKUP_KEEP_WEEKLY", 4, 0, 520),
    },
    auditSegment: {
      size: integer(env, "AUDIT_SEGMENT_SIZE", 1000, 1, 100_000),
      maxAgeSeconds: integer(env, "AUDIT_SEGMENT_MAX_AGE_SECONDS", 3600, 0, 30 * DAY),
    },
  };
};
