import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signToken } from "@artifact-store/auth";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack";

const ISSUER = "https://id.example.test/";
const AUDIENCE = "artifact-store";

let stack: TestStack;
let jwksServer: Server;
let rsaKey: CryptoKey;
let ecKey: CryptoKey;
let strangerKey: CryptoKey;

/** An identity provider's JWKS endpoint on loopback, publishing one RSA and one EC key. */
const serveJwks = async (keys: JWK[]): Promise<string> => {
  jwksServer = createServer((_, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
};

beforeAll(async () => {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  strangerKey = (await generateKeyPair("RS256")).privateKey;
  rsaKey = rsa.privateKey;
  ecKey = ec.privateKey;
  const jwksUrl = await serveJwks([
    { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" },
    { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" },
  ]);
  stack = await startTestStack({
    AUTH_JWKS_URL: jwksUrl,
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
    RATE_LIMIT_SIGNING_PER_MINUTE: "1000",
  });
});
afterAll(async () => {
  await stack?.close();
  jwksServer?.close();
});

const providerToken = (
  key: CryptoKey,
  header: { alg: string; kid: string },
  claims: { sub?: string; iss?: string; aud?: string; exp?: number; nbf?: number } = {},
) => {
  let jwt = new SignJWT({ roles: [] }).setProtectedHeader(header).setIssuedAt();
  jwt = jwt
    .setSubject(claims.sub ?? "provider-user")
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE);
  jwt = jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600);
  if (claims.nbf) jwt = jwt.setNotBefore(claims.nbf);
  return jwt.sign(key);
};

const whoami = async (token: string) => {
  const response = await stack.api("/v1/uploads", {
    method: "POST",
    token,
    body: JSON.stringify({ filename: "id.txt", contentType: "text/plain", size: 1 }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
};

describe("JWTs from an identity provider (JWKS)", () => {
  it("accepts RS256 and ES256 tokens signed by the provider's keys", async () => {
    expect((await whoami(await providerToken(rsaKey, { alg: "RS256", kid: "rsa-1" }))).status).toBe(201);
    expect((await whoami(await providerToken(ecKey, { alg: "ES256", kid: "ec-1" }))).status).toBe(201);
  });

  it.each([
    [
      "a key the provider does not publish",
      () => providerToken(strangerKey, { alg: "RS256", kid: "rsa-1" }),
      "token_invalid",
    ],
    [
      "the wrong issuer",
      () => providerToken(rsaKey, { alg: "RS256", kid: "rsa-1" }, { iss: "https://evil.test/" }),
      "token_claims_invalid",
    ],
    [
      "the wrong audience",
      () => providerToken(rsaKey, { alg: "RS256", kid: "rsa-1" }, { aud: "another-api" }),
      "token_claims_invalid",
    ],
    [
      "an expired token",
      () =>
        providerToken(rsaKey, { alg: "RS256", kid: "rsa-1" }, { exp: Math.floor(Date.now() / 1000) - 300 }),
      "token_expired",
    ],
    [
      "a token not valid yet",
      () =>
        providerToken(rsaKey, { alg: "RS256", kid: "rsa-1" }, { nbf: Math.floor(Date.now() / 1000) + 3600 }),
      "token_not_yet_valid",
    ],
    [
      "alg: none",
      async () => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
        return `${encode({ alg: "none" })}.${encode({ sub: "x", iss: ISSUER, aud: AUDIENCE, exp: 9_999_999_999 })}.`;
      },
      "token_algorithm_rejected",
    ],
    ["garbage", async () => "not.a.jwt", "token_invalid"],
  ])("refuses %s with 401 and a clear code", async (_label, makeToken, code) => {
    const { status, body } = await whoami(await makeToken());
    expect(status).toBe(401);
    expect(body.error?.code).toBe(code);
  });
});

describe("token lifetimes", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const DAY = 24 * 60 * 60;
  /** An HS256 token with exactly the claims given (and the stack's issuer and audience): no iat or exp unless asked for. */
  const hs256 = (claims: { iat?: number; exp?: number }) =>
    new SignJWT({ sub: "lifetime-user", roles: [], iss: ISSUER, aud: AUDIENCE, ...claims })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("test-secret-test-secret-test-secret-42"));
  const withoutExpiry = async (key: CryptoKey) =>
    new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: "RS256", kid: "rsa-1" })
      .setSubject("provider-user")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .sign(key);

  it.each([
    ["an HS256 token without exp", () => hs256({ iat: now() }), "token_without_expiry"],
    ["a provider's token without exp", () => withoutExpiry(rsaKey), "token_without_expiry"],
    ["a token living 31 days", () => hs256({ iat: now(), exp: now() + 31 * DAY }), "token_lifetime_too_long"],
    [
      "a token without iat expiring in 31 days",
      () => hs256({ exp: now() + 31 * DAY }),
      "token_lifetime_too_long",
    ],
    [
      "a token whose iat is in the future, to look short-lived",
      () => hs256({ iat: now() + 30 * DAY, exp: now() + 31 * DAY }),
      "token_lifetime_too_long",
    ],
  ])("refuses %s with 401 and a clear code", async (_label, makeToken, code) => {
    const { status, body } = await whoami(await makeToken());
    expect(status).toBe(401);
    expect(body.error?.code).toBe(code);
  });

  it("accepts 30 days, as the tokens npm start prints live", async () => {
    expect((await whoami(await hs256({ iat: now(), exp: now() + 30 * DAY }))).status).toBe(201);
    const printed = await signToken(stack.config.auth, { sub: "dev-user", expiresIn: "30d" });
    expect((await whoami(printed)).status).toBe(201);
  });
});
