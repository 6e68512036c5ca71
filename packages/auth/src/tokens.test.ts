import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  createTokenVerifier,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  signToken,
  type TokenSettings,
} from "./tokens";

const SECRET = "unit-secret-unit-secret-unit-secret-1";
const HOUR = 3600;
const now = () => Math.floor(Date.now() / 1000);

/** An HS256 token with exactly these claims: no iat or exp unless given. */
const token = (claims: { iat?: number; exp?: number }) =>
  new SignJWT({ sub: "someone", ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(SECRET));

const codeOf = async (settings: TokenSettings, jwt: string) =>
  createTokenVerifier({ hs256Secret: SECRET, ...settings })(jwt).then(
    () => "accepted",
    (error: { code?: string }) => error.code,
  );

describe("token lifetimes", () => {
  it("refuse tokens without exp by default, and accept them when allowed", async () => {
    expect(await codeOf({}, await token({ iat: now() }))).toBe("token_without_expiry");
    expect(await codeOf({ allowTokensWithoutExpiry: true }, await token({ iat: now() }))).toBe("accepted");
    expect(await codeOf({ allowTokensWithoutExpiry: true }, await token({}))).toBe("accepted");
  });

  it("refuse lifetimes over the maximum, counted from iat or, without one, from now", async () => {
    const max = { maxLifetimeSeconds: HOUR };
    expect(await codeOf(max, await token({ iat: now(), exp: now() + HOUR }))).toBe("accepted");
    expect(await codeOf(max, await token({ iat: now(), exp: now() + 2 * HOUR }))).toBe(
      "token_lifetime_too_long",
    );
    expect(await codeOf(max, await token({ exp: now() + 2 * HOUR }))).toBe("token_lifetime_too_long");
    // Issued 50 minutes ago for an hour and ten: too long, though only 20 minutes are left.
    expect(await codeOf(max, await token({ iat: now() - 50 * 60, exp: now() + 20 * 60 }))).toBe(
      "token_lifetime_too_long",
    );
    // An iat in the future does not make a long-lived token look short.
    expect(await codeOf(max, await token({ iat: now() + 10 * HOUR, exp: now() + 10.5 * HOUR }))).toBe(
      "token_lifetime_too_long",
    );
    expect(
      await codeOf({}, await token({ iat: now(), exp: now() + DEFAULT_MAX_TOKEN_LIFETIME_SECONDS })),
    ).toBe("accepted");
  });

  it("refuse expiry only once the signature verifies", async () => {
    const forged = await new SignJWT({ sub: "someone" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("another-secret-another-secret-another"));
    expect(await codeOf({}, forged)).toBe("token_invalid");
  });
});

describe("minted tokens", () => {
  it("live what they are asked to, never more than the maximum, and are accepted", async () => {
    for (let i = 0; i < 20; i += 1) {
      const { iat = 0, exp = 0 } = decodeJwt(
        await signToken({ hs256Secret: SECRET }, { sub: "dev", expiresIn: "30d" }),
      );
      expect(exp - iat).toBeLessThanOrEqual(30 * 24 * HOUR);
    }
    const capped = await signToken(
      { hs256Secret: SECRET, maxLifetimeSeconds: HOUR },
      { sub: "dev", expiresIn: "30d" },
    );
    const { iat = 0, exp = 0 } = decodeJwt(capped);
    expect(exp - iat).toBeLessThanOrEqual(HOUR);
    expect(exp - iat).toBeGreaterThan(HOUR - 5);
    expect(await codeOf({ maxLifetimeSeconds: HOUR }, capped)).toBe("accepted");
  });
});
