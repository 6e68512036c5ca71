import { type Principal, unauthenticated } from "@artifact-store/core";
import { errors, jwtVerify, SignJWT } from "jose";

export interface TokenSettings {
  /** HS256 shared secret; at least 32 bytes so it cannot be brute-forced. */
  hs256Secret: string;
  issuer?: string | undefined;
  audience?: string | undefined;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

const MIN_SECRET_BYTES = 32;
const SUBJECT = /^[\x21-\x7e]{1,256}$/;

const secretKey = (secret: string): Uint8Array => {
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_SECRET_BYTES) {
    throw new Error(`AUTH_JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long.`);
  }
  return key;
};

const rolesOf = (claim: unknown): string[] =>
  Array.isArray(claim) ? claim.filter((role): role is string => typeof role === "string") : [];

/** Turns jose's failures into the codes a client can act on: expired means "get a new token". */
const rejection = (error: unknown) => {
  if (error instanceof errors.JWTExpired) return unauthenticated("token_expired", "The token has expired.");
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthenticated("token_claims_invalid", `The token's "${error.claim}" claim is not accepted.`);
  }
  return unauthenticated("token_invalid", "The token is malformed or its signature does not verify.");
};

export const createTokenVerifier = (settings: TokenSettings): TokenVerifier => {
  const key = secretKey(settings.hs256Secret);
  return async (token) => {
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ["HS256"],
        ...(settings.issuer ? { issuer: settings.issuer } : {}),
        ...(settings.audience ? { audience: settings.audience } : {}),
      }));
    } catch (error) {
      throw rejection(error);
    }
    if (typeof payload.sub !== "string" || !SUBJECT.test(payload.sub)) {
      throw unauthenticated("token_claims_invalid", 'The token needs a "sub" claim naming the user.');
    }
    return { kind: "user", id: payload.sub, roles: rolesOf(payload.roles) };
  };
};

/** Mints an HS256 token, for development and tests. */
export const signToken = (
  settings: TokenSettings,
  claims: { sub: string; roles?: string[]; expiresIn?: string | number },
): Promise<string> => {
  let jwt = new SignJWT({ roles: claims.roles ?? [] })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? "12h");
  if (settings.issuer) jwt = jwt.setIssuer(settings.issuer);
  if (settings.audience) jwt = jwt.setAudience(settings.audience);
  return jwt.sign(secretKey(settings.hs256Secret));
};
