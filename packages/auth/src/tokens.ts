import { type Principal, type Scope, USER_SCOPES, unauthenticated } from "@artifact-store/core";
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from "jose";

export interface TokenSettings {
  /** HS256 shared secret (at least 32 bytes); for development and simple deployments. */
  hs256Secret?: string | undefined;
  /** A JWKS URL of the identity provider; RS256 and ES256 tokens are verified against it. */
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Accept tokens without an `exp` claim (they would be good forever); refused by default. */
  allowTokensWithoutExpiry?: boolean | undefined;
  /** The longest lifetime a token may declare (exp - iat); DEFAULT_MAX_TOKEN_LIFETIME_SECONDS when unset. */
  maxLifetimeSeconds?: number | undefined;
}

/** 30 days: the development tokens `npm start` prints live exactly this long. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

export type TokenVerifier = (token: string) => Promise<Principal>;

const MIN_SECRET_BYTES = 32;
const SUBJECT = /^[\x21-\x7e]{1,256}$/;

const secretKey = (secret: string): Uint8Array<ArrayBuffer> => {
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_SECRET_BYTES) {
    throw new Error(`AUTH_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long.`);
  }
  return key;
};

const rolesOf = (claim: unknown): string[] =>
  Array.isArray(claim) ? claim.filter((role): role is string => typeof role === "string") : [];

/** Turns jose's failures into codes a client can act on: expired means "get a new token". */
const rejection = (error: unknown) => {
  if (error instanceof errors.JWTExpired) return unauthenticated("token_expired", "The token has expired.");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return unauthenticated("token_not_yet_valid", "The token is not valid yet.");
    return unauthenticated("token_claims_invalid", `The token's "${error.claim}" claim is not accepted.`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return unauthenticated("token_algorithm_rejected", "The token's signing algorithm is not accepted.");
  }
  return unauthenticated("token_invalid", "The token is malformed or its signature does not verify.");
};

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * A stolen token is good until its `exp`, so one without (good forever) or with a lifetime past
 * the maximum is refused. The lifetime counts from `iat`, or from now when `iat` is missing or in
 * the future, so a token cannot shorten its declared lifetime by claiming a later issue time.
 */
const checkLifetime = (payload: JWTPayload, settings: TokenSettings, now: Date): void => {
  if (payload.exp === undefined) {
    if (settings.allowTokensWithoutExpiry) return;
    throw unauthenticated(
      "token_without_expiry",
      'The token has no "exp" claim; tokens must expire (AUTH_ALLOW_TOKENS_WITHOUT_EXP allows them).',
    );
  }
  const max = settings.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  const from = Math.min(payload.iat ?? Number.POSITIVE_INFINITY, epochSeconds(now));
  if (payload.exp - from > max) {
    throw unauthenticated(
      "token_lifetime_too_long",
      `The token lives ${payload.exp - from} s; at most ${max} s (AUTH_MAX_TOKEN_LIFETIME_SECONDS) are accepted.`,
    );
  }
};

const principalOf = (payload: JWTPayload): Principal => {
  if (typeof payload.sub !== "string" || !SUBJECT.test(payload.sub)) {
    throw unauthenticated("token_claims_invalid", 'The token needs a "sub" claim naming the user.');
  }
  const roles = rolesOf(payload.roles);
  const scopes: Scope[] = roles.includes("admin") ? [...USER_SCOPES, "admin"] : [...USER_SCOPES];
  return { kind: "user", id: payload.sub, roles, scopes };
};

/**
 * Verifies bearer JWTs: HS256 with the shared secret, RS256/ES256 against the JWKS. The header's
 * algorithm picks the key, and only these algorithms are accepted, so `alg: none` never is.
 */
export const createTokenVerifier = (settings: TokenSettings): TokenVerifier => {
  const hmac = settings.hs256Secret ? secretKey(settings.hs256Secret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000 })
    : undefined;
  if (!hmac && !jwks) throw new Error("Set AUTH_JWT_SECRET or AUTH_JWKS_URL to verify tokens.");
  const claims = {
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
  };
  // Imported once: jose would import raw key bytes again on every verification (8x the cost).
  const hmacKey = hmac
    ? crypto.subtle.importKey("raw", hmac, { name: "HMAC", hash: "SHA-256" }, false, ["verify"])
    : undefined;
  // Awaited at the first HS256 token; until then a failure must not be an unhandled rejection.
  hmacKey?.catch(() => {});
  const verify = async (token: string): Promise<JWTPayload> => {
    const { alg } = decodeProtectedHeader(token);
    if (alg === "HS256" && hmacKey)
      return (await jwtVerify(token, await hmacKey, { algorithms: ["HS256"], ...claims })).payload;
    if ((alg === "RS256" || alg === "ES256") && jwks) {
      return (await jwtVerify(token, jwks, { algorithms: ["RS256", "ES256"], ...claims })).payload;
    }
    throw new errors.JOSEAlgNotAllowed(`"${String(alg)}" tokens are not accepted here`);
  };
  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      throw rejection(error);
    }
    checkLifetime(payload, settings, new Date());
    return principalOf(payload);
  };
};

/**
 * Mints an HS256 token, for development and tests. Its lifetime is capped at the maximum the
 * verifier accepts, so a minted token is never one its own service refuses.
 */
export const signToken = async (
  settings: TokenSettings,
  claims: { sub: string; roles?: string[]; expiresIn?: string | number },
): Promise<string> => {
  if (!settings.hs256Secret) throw new Error("Minting tokens needs AUTH_JWT_SECRET.");
  const key = secretKey(settings.hs256Secret);
  const sign = (expiresIn: string | number) => {
    // exp before iat: jose reads the clock for each, and iat read second is never the earlier
    // second, so exp - iat never exceeds the lifetime asked for.
    let jwt = new SignJWT({ roles: claims.roles ?? [] })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.sub)
      .setExpirationTime(expiresIn)
      .setIssuedAt();
    if (settings.issuer) jwt = jwt.setIssuer(settings.issuer);
    if (settings.audience) jwt = jwt.setAudience(settings.audience);
    return jwt.sign(key);
  };
  const token = await sign(claims.expiresIn ?? "12h");
  const { iat = 0, exp = 0 } = decodeJwt(token);
  const max = settings.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  return exp - iat > max ? sign(iat + max) : token;
};
