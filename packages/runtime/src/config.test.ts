import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadStorageConfig } from "./config";

const base = { AUTH_JWT_SECRET: "x".repeat(32) };

describe("token settings", () => {
  it("refuse tokens without exp and allow 30 days by default", () => {
    expect(loadConfig(base).auth).toMatchObject({
      allowTokensWithoutExpiry: false,
      maxLifetimeSeconds: 30 * 24 * 60 * 60,
    });
  });

  it("are read from the environment, and a bad value fails at start", () => {
    expect(
      loadConfig({ ...base, AUTH_ALLOW_TOKENS_WITHOUT_EXP: "true", AUTH_MAX_TOKEN_LIFETIME_SECONDS: "3600" })
        .auth,
    ).toMatchObject({ allowTokensWithoutExpiry: true, maxLifetimeSeconds: 3600 });
    expect(() => loadConfig({ ...base, AUTH_MAX_TOKEN_LIFETIME_SECONDS: "soon" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, AUTH_ALLOW_TOKENS_WITHOUT_EXP: "maybe" })).toThrow(ConfigError);
  });
});

describe("the bucket policy setting", () => {
  const storage = { S3_ACCESS_KEY_ID: "key", S3_SECRET_ACCESS_KEY: "secret" };

  it("denies anonymous callers by default, may be turned off, and refuses other values at start", () => {
    expect(loadStorageConfig(storage).bucketPolicy).toBe("deny-anonymous");
    expect(loadStorageConfig({ ...storage, S3_BUCKET_POLICY: "none" }).bucketPolicy).toBe("none");
    expect(() => loadStorageConfig({ ...storage, S3_BUCKET_POLICY: "public" })).toThrow(
      /S3_BUCKET_POLICY=public must be one of deny-anonymous, none/,
    );
  });
});
