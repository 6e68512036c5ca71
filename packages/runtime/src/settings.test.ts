import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from "@artifact-store/auth";
import { DEFAULT_UPLOAD_LIMITS, S3_MIN_PART_SIZE } from "@artifact-store/core";
import { describe, expect, it } from "vitest";
import { loadConfig, loadStorageConfig } from "./config";
import { CODE_DEFAULTS, ConfigError, read, SETTINGS } from "./settings";
import { GENERATED, partOf, shownDefault, withPart } from "./settings-docs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Environment variables the code reads that are not settings of the service, and why. Everything
 * else read from an environment in packages/ or functions/ must be a row of settings.ts.
 */
const NOT_SETTINGS: Record<string, string> = {
  PATH: "the system's search path, for the tools the bundler and the local S3 server start",
  TERM: "the terminal's: the CLI draws progress bars only where it can",
  XDG_CONFIG_HOME: "where the CLI keeps its login (the freedesktop base directory)",
  ARTIFACT_STORE_URL: "the CLI's, a client of the service (README, 'The CLI')",
  ARTIFACT_STORE_TOKEN: "the CLI's, a client of the service (README, 'The CLI')",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "the AWS SDK's own switch, which our entry points set",
  PACK_OUT_DIR: "build only: where scripts/pack-workspace.ts has a package's tsdown build written",
  VITE_API_URL:
    "the console's build: the API URL sst.config.ts bakes into the static site (README, 'Console')",
  LOCAL_S3_PORT: "the local S3 server's command line (packages/local-s3), for the tests and npm start",
  CEPH_CONF: "Ceph's own, removed so a host's Ceph configuration cannot reach the local cluster",
  CEPH_ARGS: "Ceph's own, removed so a host's Ceph configuration cannot reach the local cluster",
};

const SOURCE = /\.(ts|mts|mjs|js)$/;

/** Source files under packages/ and functions/, tests and dependencies left out. */
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return ["node_modules", "dist", "test"].includes(entry.name) ? [] : sourceFiles(path);
    }
    return SOURCE.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });

/** `env.NAME`, `env?.NAME`, `process.env.NAME`, `env["NAME"]`: each name with the files reading it. */
const envReadsInCode = (): Map<string, string[]> => {
  const reads = new Map<string, string[]>();
  const pattern = /\benv(?:\?)?(?:\.([A-Z][A-Z0-9_]*)\b|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])/g;
  for (const file of [...sourceFiles(join(root, "packages")), ...sourceFiles(join(root, "functions"))]) {
    for (const match of readFileSync(file, "utf8").matchAll(pattern)) {
      const name = match[1] ?? match[2] ?? "";
      reads.set(name, [...new Set([...(reads.get(name) ?? []), relative(root, file)])]);
    }
  }
  return reads;
};

/** The names loadConfig and loadStorageConfig read, through an environment that records them. */
const readByConfig = (): Set<string> => {
  const seen = new Set<string>();
  const env = new Proxy<Record<string, string | undefined>>(
    { AUTH_JWT_SECRET: "x".repeat(32), S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret" },
    {
      get: (target, name) => {
        if (typeof name === "string") seen.add(name);
        return Reflect.get(target, name);
      },
    },
  );
  loadConfig(env);
  loadStorageConfig(env);
  return seen;
};

describe("the settings table", () => {
  it("holds every environment variable the code reads, or the code's reason it is not a setting", () => {
    const reads = envReadsInCode();
    const strays = [...reads]
      .filter(([name]) => !(name in SETTINGS) && !(name in NOT_SETTINGS))
      .map(([name, files]) => `${name} (${files.join(", ")})`);
    expect(strays, "add a row to packages/runtime/src/settings.ts, or a reason to NOT_SETTINGS").toEqual([]);
    // Every reason still explains something read, and nothing is both.
    expect(Object.keys(NOT_SETTINGS).filter((name) => !reads.has(name))).toEqual([]);
    expect(Object.keys(NOT_SETTINGS).filter((name) => name in SETTINGS)).toEqual([]);
  });

  it("has no row the code never reads", () => {
    const read = new Set([...readByConfig(), ...envReadsInCode().keys()]);
    expect(Object.keys(SETTINGS).filter((name) => !read.has(name))).toEqual([]);
  });

  it("gives every row a default to show, a one-line meaning and a way to be set when deployed", () => {
    for (const row of Object.entries(SETTINGS)) {
      expect(shownDefault(row), row[0]).not.toBe("");
      expect(row[1].meaning, row[0]).toMatch(/^[^\n]+$/);
      expect(["secret", "passed", "local", "wired"], row[0]).toContain(row[1].deploy.kind);
    }
    const secrets = Object.values(SETTINGS).flatMap(({ deploy }) =>
      deploy.kind === "secret" ? [deploy.name] : [],
    );
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it("is what README.md and docs/DEPLOY.md show (npm run docs:settings writes them)", () => {
    for (const { file, part, content } of GENERATED) {
      const document = readFileSync(join(root, file), "utf8");
      expect(partOf(document, part), `${file} (${part}): run npm run docs:settings`).toBe(content());
      expect(withPart(document, part, content())).toBe(document);
    }
  });

  it("keeps the defaults packages/core and packages/auth fall back to", () => {
    expect({
      singleUploadThreshold: CODE_DEFAULTS.singleUploadThreshold,
      preferredPartSize: CODE_DEFAULTS.preferredPartSize,
      maxObjectSize: CODE_DEFAULTS.maxObjectSize,
      initialPartUrls: CODE_DEFAULTS.initialPartUrls,
    }).toEqual(DEFAULT_UPLOAD_LIMITS);
    expect(CODE_DEFAULTS.minPartSize).toBe(S3_MIN_PART_SIZE);
    expect(CODE_DEFAULTS.maxTokenLifetimeSeconds).toBe(DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
  });
});

describe("reading a setting", () => {
  it("falls back to the default when unset or empty", () => {
    expect(read({}, "UPLOAD_TTL_SECONDS")).toBe(86_400);
    expect(read({ UPLOAD_TTL_SECONDS: "" }, "UPLOAD_TTL_SECONDS")).toBe(86_400);
    expect(read({}, "UPLOAD_REQUIRE_PART_CHECKSUMS")).toBe(true);
    expect(read({}, "S3_BUCKET_POLICY")).toBe("deny-anonymous");
    expect(read({}, "RECONCILE_DELETE_ORPHANS_AFTER_SECONDS")).toBeNull();
    expect(read({ AUTH_JWT_ISSUER: "" }, "AUTH_JWT_ISSUER")).toBeUndefined();
  });

  it("parses what is set", () => {
    expect(read({ BACKUP_KEEP_WEEKLY: "0" }, "BACKUP_KEEP_WEEKLY")).toBe(0);
    expect(read({ S3_CHECKSUM_SHA256: "Yes" }, "S3_CHECKSUM_SHA256")).toBe(true);
    expect(read({ S3_FORCE_PATH_STYLE: "0" }, "S3_FORCE_PATH_STYLE")).toBe(false);
    expect(read({ S3_BUCKET_POLICY: "NONE" }, "S3_BUCKET_POLICY")).toBe("none");
    expect(read({ S3_CORS_ORIGINS: " https://a.example, ,https://b.example " }, "S3_CORS_ORIGINS")).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });

  it("refuses a bad value with a ConfigError that names the setting and what it takes", () => {
    expect(() => read({ UPLOAD_PART_SIZE_BYTES: "1024" }, "UPLOAD_PART_SIZE_BYTES")).toThrow(
      new ConfigError(
        `UPLOAD_PART_SIZE_BYTES=1024 must be a whole number from ${S3_MIN_PART_SIZE} to ${5 * 1024 ** 3}.`,
      ),
    );
    expect(() => read({ WEBHOOK_TIMEOUT_SECONDS: "1.5" }, "WEBHOOK_TIMEOUT_SECONDS")).toThrow(ConfigError);
    expect(() => read({ LOG_LEVEL: "loud" }, "LOG_LEVEL")).toThrow(/LOG_LEVEL=loud must be one of debug/);
    expect(() => read({ S3_CHECKSUM_SHA256: "maybe" }, "S3_CHECKSUM_SHA256")).toThrow(
      /must be true or false/,
    );
    expect(() => read({}, "S3_ACCESS_KEY_ID")).toThrow(/S3_ACCESS_KEY_ID is not set/);
  });

  it("reaches the config the services get", () => {
    const env = {
      AUTH_JWT_SECRET: "x".repeat(32),
      S3_ACCESS_KEY_ID: "key",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_BUCKET: "crawl",
      S3_BUCKET_POLICY: "none",
      BACKUP_KEEP_DAILY: "3",
      SCRUB_RUN_BUDGET_BYTES: "1048576",
      WEBHOOK_TIMEOUT_SECONDS: "2",
    };
    const config = loadConfig(env);
    expect(config.backup).toEqual({ bucket: "crawl-backup", keepDaily: 3, keepWeekly: 4 });
    expect(config.scrub.budgetBytes).toBe(1024 ** 2);
    expect(config.webhooks.timeoutMs).toBe(2000);
    expect(loadStorageConfig(env)).toMatchObject({
      bucket: "crawl",
      bucketPolicy: "none",
      forcePathStyle: false,
    });
    expect(loadStorageConfig({ ...env, S3_ENDPOINT: "http://127.0.0.1:9000" }).forcePathStyle).toBe(true);
  });
});
