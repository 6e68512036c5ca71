import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadStorageConfig } from "./config";

// Edge cases of reading settings: what an operator's typo, an empty secret or a stray space does.
const base = { AUTH_JWT_SECRET: "x".repeat(32) };
const s3 = { S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret" };

describe("numbers", () => {
  it("take the default when unset or empty (an empty secret means unset)", () => {
    expect(loadConfig(base).signingRateLimitPerMinute).toBe(600);
    expect(loadConfig({ ...base, RATE_LIMIT_SIGNING_PER_MINUTE: "" }).signingRateLimitPerMinute).toBe(600);
  });

  it("accept the bounds themselves and refuse one past them", () => {
    expect(loadConfig({ ...base, DATABASE_POOL_SIZE: "1" }).database.maxConnections).toBe(1);
    expect(loadConfig({ ...base, DATABASE_POOL_SIZE: "100" }).database.maxConnections).toBe(100);
    expect(() => loadConfig({ ...base, DATABASE_POOL_SIZE: "0" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, DATABASE_POOL_SIZE: "101" })).toThrow(ConfigError);
  });

  it("refuse fractions, words and units, naming the setting and its range", () => {
    for (const raw of ["2.5", "ten", "10s", "1e400"]) {
      expect(() => loadConfig({ ...base, UPLOAD_TTL_SECONDS: raw })).toThrow(
        new ConfigError(`UPLOAD_TTL_SECONDS=${raw} must be a whole number from 1 to ${30 * 86400}.`),
      );
    }
  });

  it("keep the part size at S3's minimum or above", () => {
    expect(() => loadConfig({ ...base, UPLOAD_PART_SIZE_BYTES: String(5 * 1024 ** 2 - 1) })).toThrow(
      ConfigError,
    );
    expect(
      loadConfig({ ...base, UPLOAD_PART_SIZE_BYTES: String(5 * 1024 ** 2) }).service.limits,
    ).toMatchObject({
      preferredPartSize: 5 * 1024 ** 2,
    });
  });
});

describe("switches and choices", () => {
  it("read true/false, 1/0 and yes/no in any case", () => {
    for (const raw of ["true", "TRUE", "1", "Yes"]) {
      expect(loadConfig({ ...base, UPLOAD_REQUIRE_PART_CHECKSUMS: raw }).service.requirePartChecksums).toBe(
        true,
      );
    }
    for (const raw of ["false", "False", "0", "NO"]) {
      expect(loadConfig({ ...base, UPLOAD_REQUIRE_PART_CHECKSUMS: raw }).service.requirePartChecksums).toBe(
        false,
      );
    }
    expect(() => loadConfig({ ...base, UPLOAD_REQUIRE_PART_CHECKSUMS: "on" })).toThrow(ConfigError);
  });

  it("accept a listed choice in any case and refuse others, listing the choices", () => {
    expect(loadConfig({ ...base, CONTENT_TYPE_MISMATCH: "REJECT" }).verification.contentTypeMismatch).toBe(
      "reject",
    );
    expect(() => loadConfig({ ...base, CONTENT_TYPE_MISMATCH: "ignore" })).toThrow(
      "must be one of flag, reject",
    );
  });
});

describe("derived settings", () => {
  it("need a way to verify tokens: a secret, a JWKS URL or both", () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH_JWT_SECRET: "" })).toThrow(ConfigError);
    expect(loadConfig({ AUTH_JWKS_URL: "https://idp.example/jwks" }).auth).toMatchObject({
      hs256Secret: undefined,
      jwksUrl: "https://idp.example/jwks",
    });
  });

  it("name the backup bucket after the artifacts' bucket unless it is set", () => {
    expect(loadConfig(base).backup.bucket).toBe("artifacts-backup");
    expect(loadConfig({ ...base, S3_BUCKET: "crawls" }).backup.bucket).toBe("crawls-backup");
    expect(loadConfig({ ...base, S3_BUCKET: "crawls", BACKUP_BUCKET: "vault" }).backup.bucket).toBe("vault");
  });

  it("leave orphan deletion off unless it is set", () => {
    expect(loadConfig(base).reconcile.deleteOrphansAfterSeconds).toBeNull();
    expect(
      loadConfig({ ...base, RECONCILE_DELETE_ORPHANS_AFTER_SECONDS: "3600" }).reconcile
        .deleteOrphansAfterSeconds,
    ).toBe(3600);
    expect(() => loadConfig({ ...base, RECONCILE_DELETE_ORPHANS_AFTER_SECONDS: "59" })).toThrow(ConfigError);
  });

  it("open webhook targets to the listed private ranges, or to all with the older switch", () => {
    expect(loadConfig(base).webhooks.allowedPrivateRanges).toEqual([]);
    expect(
      loadConfig({ ...base, WEBHOOK_ALLOWED_PRIVATE_CIDRS: "10.0.0.0/8" }).webhooks.allowedPrivateRanges,
    ).toHaveLength(1);
    expect(
      loadConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }).webhooks.allowedPrivateRanges,
    ).toEqual(expect.arrayContaining(["0.0.0.0/0", "::/0"]));
    expect(() => loadConfig({ ...base, WEBHOOK_ALLOWED_PRIVATE_CIDRS: "10.0.0.0/33" })).toThrow(
      /^WEBHOOK_ALLOWED_PRIVATE_CIDRS=10\.0\.0\.0\/33: /,
    );
  });

  it("read an empty storage events token as none, which refuses every notification", () => {
    expect(loadConfig({ ...base, STORAGE_EVENTS_TOKEN: "" }).storageEventsToken).toBeUndefined();
  });
});

describe("storage settings", () => {
  it("need credentials, naming the one that is missing", () => {
    expect(() => loadStorageConfig({ S3_ACCESS_KEY_ID: "key" })).toThrow(
      "S3_SECRET_ACCESS_KEY is not set; see the README's configuration table.",
    );
  });

  it("use path-style addressing for a self-hosted endpoint and virtual hosts for AWS, unless told", () => {
    expect(loadStorageConfig(s3)).toMatchObject({
      region: "us-east-1",
      bucket: "artifacts",
      forcePathStyle: false,
    });
    expect(loadStorageConfig(s3)).not.toHaveProperty("endpoint");
    expect(loadStorageConfig({ ...s3, S3_ENDPOINT: "http://127.0.0.1:9000" }).forcePathStyle).toBe(true);
    expect(
      loadStorageConfig({ ...s3, S3_ENDPOINT: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: "false" })
        .forcePathStyle,
    ).toBe(false);
  });

  it("split browser origins at commas, dropping spaces and empty entries", () => {
    expect(
      loadStorageConfig({ ...s3, S3_CORS_ORIGINS: " https://a.example,, https://b.example ," }),
    ).toMatchObject({ browserOrigins: ["https://a.example", "https://b.example"] });
  });
});
