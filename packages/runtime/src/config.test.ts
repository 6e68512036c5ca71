import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

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
