// The one table of settings: every environment variable the service reads, once, with its parser
// and default, how a deployed stage sets it, and what it means. config.ts reads through it,
// sst.config.ts derives its secrets and pass-through list from it, and `npm run docs:settings`
// writes the README's and docs/DEPLOY.md's tables from it (settings.test.ts holds them current).
// To add a setting: a row here, a `read()` in config.ts, then `npm run docs:settings`. Variables
// the code reads that are not settings (the CLI's, the system's) are in settings.test.ts, with why.
// No imports: sst.config.ts loads this file through SST's config loader.

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Turns a raw value (undefined or "" when unset) into the setting's value, or throws ConfigError. */
export interface Parser<T> {
  parse: (raw: string | undefined, name: string) => T;
  /** The value when unset, as the docs show it; undefined when the row's `default` text says it. */
  shown?: string;
}

/** How a deployed stage sets a setting. */
export type Deployment =
  /** A per-stage `sst secret set <name>`; with a placeholder, a stage may leave it unset. */
  | { kind: "secret"; name: string; placeholder?: string }
  /** Taken from the environment of `sst deploy` when set there, else `deployed` or the code's default. */
  | { kind: "passed"; deployed?: string }
  /** Not for deployed functions: the local stack's own (`npm start`, the tests), and why. */
  | { kind: "local"; why: string }
  /** Set by sst.config.ts itself, from a resource it declares: what it is set to. */
  | { kind: "wired"; to: string };

export interface Setting<T = unknown> {
  parser: Parser<T>;
  /** The default as the docs show it, where the parser's own is not the whole story. */
  default?: string;
  deploy: Deployment;
  /** One line for the README. */
  meaning: string;
}

const unset = (raw: string | undefined): raw is undefined | "" => raw === undefined || raw === "";

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const DAY = 24 * 60 * 60;

/** 8388608 as "8 MiB": the largest unit that divides it. */
const sizeText = (bytes: number): string => {
  const unit = (
    [
      [TiB, "TiB"],
      [GiB, "GiB"],
      [MiB, "MiB"],
      [KiB, "KiB"],
    ] as const
  ).find(([size]) => bytes >= size && bytes % size === 0);
  return unit ? `${bytes / unit[0]} ${unit[1]}` : `\`${bytes}\``;
};

const wholeNumber = (raw: string, name: string, min: number, max: number): number => {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} must be a whole number from ${min} to ${max}.`);
  }
  return value;
};

const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> => ({
  parse: (raw, name) => (unset(raw) ? fallback : wholeNumber(raw, name, min, max)),
  shown: `\`${fallback}\``,
});

/** A whole number of bytes, shown in the docs as "8 MiB". */
const bytes = (fallback: number, min: number, max: number): Parser<number> => ({
  ...integer(fallback, min, max),
  shown: sizeText(fallback),
});

/** Off (null) unless set. */
const optionalInteger = (min: number, max: number): Parser<number | null> => ({
  parse: (raw, name) => (unset(raw) ? null : wholeNumber(raw, name, min, max)),
});

const truth = (raw: string, name: string): boolean => {
  const value = raw.toLowerCase();
  if (["1", "true", "yes"].includes(value)) return true;
  if (["0", "false", "no"].includes(value)) return false;
  throw new ConfigError(`${name}=${value} must be true or false.`);
};

const flag = (fallback: boolean): Parser<boolean> => ({
  parse: (raw, name) => (unset(raw) ? fallback : truth(raw, name)),
  shown: `\`${fallback}\``,
});

/** A flag whose default depends on other settings (config.ts decides when it is unset). */
const derivedFlag = (): Parser<boolean | undefined> => ({
  parse: (raw, name) => (unset(raw) ? undefined : truth(raw, name)),
});

const choice = <const T extends string>(options: readonly T[], fallback: T): Parser<T> => ({
  parse: (raw, name) => {
    if (unset(raw)) return fallback;
    const value = raw.toLowerCase();
    if (!options.includes(value as T)) {
      throw new ConfigError(`${name}=${value} must be one of ${options.join(", ")}.`);
    }
    return value as T;
  },
  shown: `\`${fallback}\``,
});

const text = (fallback: string): Parser<string> => ({
  parse: (raw) => (unset(raw) ? fallback : raw),
  shown: `\`${fallback}\``,
});

/** Unset is undefined (an empty value too, which is how an optional `sst secret` arrives). */
const optionalText = (): Parser<string | undefined> => ({
  parse: (raw) => (unset(raw) ? undefined : raw),
});

const required = (): Parser<string> => ({
  parse: (raw, name) => {
    if (unset(raw)) throw new ConfigError(`${name} is not set; see the README's configuration table.`);
    return raw;
  },
  shown: "required",
});

/** Comma-separated, blanks dropped. */
const list = (): Parser<string[]> => ({
  parse: (raw) =>
    (raw ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== ""),
});

const secret = (name: string, placeholder?: string): Deployment =>
  placeholder === undefined ? { kind: "secret", name } : { kind: "secret", name, placeholder };
const PASSED: Deployment = { kind: "passed" };
const localOnly = (why: string): Deployment => ({ kind: "local", why });
const wired = (to: string): Deployment => ({ kind: "wired", to });

/**
 * The defaults packages/core and packages/auth use when given no settings; settings.test.ts holds
 * them equal to DEFAULT_UPLOAD_LIMITS, S3_MIN_PART_SIZE and DEFAULT_MAX_TOKEN_LIFETIME_SECONDS.
 */
export const CODE_DEFAULTS = {
  singleUploadThreshold: 8 * MiB,
  preferredPartSize: 16 * MiB,
  maxObjectSize: 5 * TiB,
  initialPartUrls: 32,
  minPartSize: 5 * MiB,
  maxTokenLifetimeSeconds: 30 * DAY,
} as const;

export const SETTINGS = {
  // Storage
  S3_ENDPOINT: {
    parser: optionalText(),
    default: "unset: `npm start` runs a local Ceph RGW",
    deploy: secret("S3Endpoint", ""),
    meaning:
      "S3-compatible endpoint, as browsers and the functions both reach it; unset in a deployment means AWS S3",
  },
  S3_REGION: {
    parser: text("us-east-1"),
    deploy: secret("S3Region", "us-east-1"),
    meaning: "region used for signing",
  },
  S3_ACCESS_KEY_ID: {
    parser: required(),
    default: "required (the local S3 server gets it when set)",
    deploy: secret("S3AccessKeyId"),
    meaning: "storage access key",
  },
  S3_SECRET_ACCESS_KEY: {
    parser: required(),
    default: "required (the local S3 server gets it when set)",
    deploy: secret("S3SecretAccessKey"),
    meaning: "storage secret key",
  },
  S3_BUCKET: {
    parser: text("artifacts"),
    deploy: secret("S3Bucket", "artifacts"),
    meaning: "bucket, created when missing",
  },
  S3_FORCE_PATH_STYLE: {
    parser: derivedFlag(),
    default: "`true` when `S3_ENDPOINT` is set",
    deploy: PASSED,
    meaning: "path-style addressing, as MinIO and Ceph need",
  },
  S3_CORS_ORIGINS: {
    parser: list(),
    default: "unset (`npm start`: `*`)",
    deploy: secret("S3CorsOrigins", ""),
    meaning: "browser origins allowed to PUT parts to and GET from the bucket; applied at start",
  },
  S3_CHECKSUM_SHA256: {
    parser: flag(false),
    deploy: PASSED,
    meaning:
      "also sign each part's `x-amz-checksum-sha256` (uploaders then send it), for servers that verify it (AWS S3, MinIO); Ceph RGW 16 ignores it",
  },
  S3_BUCKET_POLICY: {
    parser: choice(["deny-anonymous", "none"], "deny-anonymous"),
    deploy: PASSED,
    meaning:
      "bucket policy applied at start: `deny-anonymous` (checked: where it locks the store out, as on moto's server, it is removed again with a `bucket_policy_rolled_back` warning) or `none` (only the private ACL)",
  },
  API_CORS_ORIGINS: {
    parser: list(),
    default: "unset (`npm start`: `*`)",
    deploy: secret("ApiCorsOrigins", ""),
    meaning: "browser origins allowed to call the API; none: no CORS",
  },

  // Catalogue
  DATABASE_URL: {
    parser: optionalText(),
    default: "unset: embedded PGlite",
    // Required in a deployment: PGlite is left out of every Lambda bundle.
    deploy: secret("DatabaseUrl"),
    meaning: "PostgreSQL server for the catalogue",
  },
  DATABASE_POOL_SIZE: {
    parser: integer(5, 1, 100),
    // One request at a time per Lambda instance: a small pool, ideally behind RDS Proxy/PgBouncer.
    deploy: { kind: "passed", deployed: "2" },
    meaning: "connections per process",
  },
  DATA_DIR: {
    parser: text(".data"),
    deploy: localOnly("a Lambda keeps no files"),
    meaning:
      "where the local stack keeps its files (PGlite under `catalog/`, the local S3 cluster under `s3/`)",
  },
  CATALOG_DATA_DIR: {
    parser: optionalText(),
    default: "`$DATA_DIR/catalog`",
    deploy: localOnly("deployed functions never load PGlite"),
    meaning: "PGlite folder (`memory://` keeps it in memory)",
  },

  // Tokens
  AUTH_JWT_SECRET: {
    parser: optionalText(),
    default: "required unless `AUTH_JWKS_URL` is set (`npm start` makes one under `DATA_DIR`)",
    deploy: secret("AuthJwtSecret", ""),
    meaning: "HS256 secret, at least 32 bytes",
  },
  AUTH_JWKS_URL: {
    parser: optionalText(),
    default: "unset",
    deploy: secret("AuthJwksUrl", ""),
    meaning: "identity provider's JWKS; RS256 and ES256 tokens are verified against it",
  },
  AUTH_JWT_ISSUER: {
    parser: optionalText(),
    default: "unset",
    deploy: secret("AuthJwtIssuer", ""),
    meaning: "required `iss` when set",
  },
  AUTH_JWT_AUDIENCE: {
    parser: optionalText(),
    default: "unset",
    deploy: secret("AuthJwtAudience", ""),
    meaning: "required `aud` when set",
  },
  AUTH_ALLOW_TOKENS_WITHOUT_EXP: {
    parser: flag(false),
    deploy: PASSED,
    meaning:
      "accept JWTs without an `exp` claim (good forever); refused with 401 `token_without_expiry` otherwise",
  },
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: {
    parser: integer(CODE_DEFAULTS.maxTokenLifetimeSeconds, 60, 3660 * DAY),
    default: `\`${CODE_DEFAULTS.maxTokenLifetimeSeconds}\` (30 days)`,
    deploy: PASSED,
    meaning:
      "the longest lifetime a JWT may declare (`exp` - `iat`, or `exp` - now without `iat`); longer ones are 401 `token_lifetime_too_long`. Tokens the stack mints itself are capped at it",
  },
  RATE_LIMIT_SIGNING_PER_MINUTE: {
    parser: integer(600, 1, 1_000_000),
    deploy: PASSED,
    meaning: "signing requests per principal per minute (a sliding window)",
  },

  // Audit
  AUDIT_SEGMENT_SIZE: {
    parser: integer(1000, 1, 100_000),
    deploy: PASSED,
    meaning: "audit events per exported segment",
  },
  AUDIT_SEGMENT_MAX_AGE_SECONDS: {
    parser: integer(3600, 0, 30 * DAY),
    deploy: PASSED,
    meaning: "a partial segment is exported once its newest event is this old",
  },

  // Integrity
  VERIFY_INLINE_MAX_BYTES: {
    parser: bytes(8 * MiB, 0, 5 * TiB),
    deploy: PASSED,
    meaning:
      "complete-upload verifies objects up to this size before it answers; larger ones are verified just after (`VERIFY_AT_ONCE`)",
  },
  VERIFY_AT_ONCE: {
    parser: flag(true),
    deploy: PASSED,
    meaning:
      "a completed upload above `VERIFY_INLINE_MAX_BYTES` is verified at once (deployed: an asynchronous invoke of `verify-artifacts`; `npm start`: in the process); `false` leaves it to the scheduled run",
  },
  VERIFY_FUNCTION_ARN: {
    parser: optionalText(),
    default: "unset: verified in the process",
    deploy: wired("the `verify-artifacts` function, in the functions that complete uploads"),
    meaning: "the function a completed upload is handed to for verification, invoked asynchronously",
  },
  VERIFY_RUN_BUDGET_BYTES: {
    parser: bytes(8 * GiB, 1, 5 * TiB),
    deploy: PASSED,
    meaning: "bytes one `verify-artifacts` run reads at most (its first artifact whatever its size)",
  },
  RECONCILE_DELETE_ORPHANS_AFTER_SECONDS: {
    parser: optionalInteger(60, 3650 * DAY),
    // Off unless set: an object nothing points to may be what a lost catalogue still needs.
    default: "unset: report only",
    deploy: PASSED,
    meaning:
      "the reconciler deletes objects no live record points to once they are this old (at least 60), unless their sidecar says the artifact is live",
  },
  SCRUB_RUN_BUDGET_BYTES: {
    parser: bytes(4 * GiB, 1, 5 * TiB),
    deploy: PASSED,
    meaning: "bytes one `scrub-artifacts` run re-reads at most (its first artifact whatever its size)",
  },
  CONTENT_TYPE_MISMATCH: {
    parser: choice(["flag", "reject"], "flag"),
    deploy: PASSED,
    meaning:
      "a declared type the first bytes contradict: `flag` records it, `reject` makes the artifact corrupt",
  },

  // Webhooks
  WEBHOOK_ALLOWED_PRIVATE_CIDRS: {
    // Checked as CIDR ranges by config.ts (with the webhooks package's guard).
    parser: text(""),
    default: "empty (`npm start`: `127.0.0.0/8,::1/128`)",
    deploy: PASSED,
    meaning:
      "non-public ranges webhook targets may resolve to, comma-separated CIDRs; link-local and metadata addresses never",
  },
  WEBHOOK_ALLOW_PRIVATE_TARGETS: {
    parser: flag(false),
    deploy: PASSED,
    meaning:
      "older switch: every non-public range (still never link-local or metadata addresses); prefer the CIDR list",
  },
  WEBHOOK_TIMEOUT_SECONDS: {
    parser: integer(10, 1, 60),
    deploy: PASSED,
    meaning: "how long a webhook target may take to answer one attempt",
  },
  WEBHOOK_PAUSE_AFTER_FAILED_DELIVERIES: {
    parser: integer(5, 1, 1000),
    deploy: PASSED,
    meaning:
      "a subscription is paused after this many deliveries in a row failed every attempt (or after a day failing)",
  },

  // Backups
  BACKUP_BUCKET: {
    parser: optionalText(),
    default: "`<S3_BUCKET>-backup`",
    deploy: PASSED,
    meaning: "the bucket snapshots and the content store go to (same storage and credentials)",
  },
  BACKUP_KEEP_DAILY: {
    parser: integer(7, 1, 3650),
    deploy: PASSED,
    meaning: "snapshots kept: the newest of each of this many most recent days",
  },
  BACKUP_KEEP_WEEKLY: {
    parser: integer(4, 0, 520),
    deploy: PASSED,
    meaning: "and the newest of each of this many most recent weeks",
  },

  // Storage notifications
  STORAGE_EVENTS_TOKEN: {
    parser: optionalText(),
    default: "unset: `POST /v1/storage-events` refuses everything",
    deploy: secret("StorageEventsToken", ""),
    meaning: "the shared secret storage presents with bucket notifications",
  },
  STORAGE_EVENTS_PUSH: {
    parser: flag(false),
    default: "`false` (`npm start` with its local Ceph RGW: `true`)",
    deploy: localOnly("deployed storage is pointed at the function URL, docs/DEPLOY.md"),
    meaning: "point the local S3 server's bucket notifications at the storage-events route",
  },
  PORT: {
    parser: integer(8787, 1, 65_535),
    deploy: localOnly("behind API Gateway"),
    meaning: "local server port",
  },

  // Uploads
  UPLOAD_SINGLE_THRESHOLD_BYTES: {
    parser: bytes(CODE_DEFAULTS.singleUploadThreshold, 0, 5 * GiB),
    deploy: PASSED,
    meaning: "below this, one presigned PUT",
  },
  UPLOAD_PART_SIZE_BYTES: {
    parser: bytes(CODE_DEFAULTS.preferredPartSize, CODE_DEFAULTS.minPartSize, 5 * GiB),
    deploy: PASSED,
    meaning: "preferred part size (grows to keep at most 10,000 parts; at least 5 MiB)",
  },
  UPLOAD_MAX_SIZE_BYTES: {
    parser: bytes(CODE_DEFAULTS.maxObjectSize, 0, 5 * TiB),
    deploy: PASSED,
    meaning: "largest upload accepted",
  },
  UPLOAD_INITIAL_PART_URLS: {
    parser: integer(CODE_DEFAULTS.initialPartUrls, 1, 1000),
    deploy: PASSED,
    meaning: "part URLs signed by the create call",
  },
  UPLOAD_URL_TTL_SECONDS: {
    parser: integer(15 * 60, 1, 7 * DAY),
    deploy: PASSED,
    meaning: "lifetime of part and PUT URLs (each signed with its exact `Content-Length`)",
  },
  UPLOAD_REQUIRE_PART_CHECKSUMS: {
    parser: flag(true),
    deploy: PASSED,
    meaning:
      'part and PUT URLs are signed only with the part\'s MD5 (Content-MD5), so storage refuses other bytes; a URL request without one is 400 `part_checksum_required`. `false` also signs bare part numbers. A multipart upload opened with `partChecksums: "none"` (for a client that cannot see its part bodies) is signed without checksums either way; while this is `true` its SHA-256 must still be declared (the verifier checks the stored bytes against it before they are served), with `false` the server may compute it',
  },
  DOWNLOAD_URL_TTL_SECONDS: {
    parser: integer(5 * 60, 1, 7 * DAY),
    deploy: PASSED,
    meaning: "lifetime of download URLs",
  },
  UPLOAD_TTL_SECONDS: {
    parser: integer(DAY, 1, 30 * DAY),
    deploy: PASSED,
    meaning: "an upload not completed by then expires",
  },
  LOG_LEVEL: {
    parser: choice(["debug", "info", "warn", "error", "silent"], "info"),
    deploy: PASSED,
    meaning: "`debug`, `info`, `warn`, `error` or `silent`; one JSON line per access decision",
  },
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

export type SettingValue<N extends SettingName> =
  (typeof SETTINGS)[N]["parser"] extends Parser<infer T> ? T : never;

/** One setting from the environment, parsed and checked (a bad value throws ConfigError). */
export const read = <N extends SettingName>(env: Env, name: N): SettingValue<N> =>
  (SETTINGS[name].parser as Parser<SettingValue<N>>).parse(env[name], name);
