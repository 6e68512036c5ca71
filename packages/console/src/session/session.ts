// Who is signed in. The credential lives in sessionStorage only: it goes with the tab, never into
// a URL, localStorage or a log line.
import { ArtifactStoreClient } from "@artifact-store/client";

const KEY = "artifact-store.console.session";

export interface Session {
  /** A JWT or an API key (ask_...), sent as the bearer credential. */
  credential: string;
  kind: "token" | "api-key";
  /** The user id the API acts as (GET /v1/me at sign-in): a token's subject, or an API key's. */
  user: string;
  roles: string[];
  /** The API's answer at sign-in (GET /v1/me): the admin pages are offered. */
  admin: boolean;
  /** Milliseconds since the epoch, when the token says. */
  expiresAt: number | null;
}

/** The API's URL: a deployed console is built with VITE_API_URL; under `npm start` it is this origin. */
export const API_URL = (import.meta.env.VITE_API_URL || window.location.origin).replace(/\/$/, "");

/** True where the console is served by the API's own server (npm start): dev sign-in may exist. */
export const SAME_ORIGIN_API = !import.meta.env.VITE_API_URL;

const decodeJwtClaims = (token: string): Record<string, unknown> | null => {
  const payload = token.split(".")[1];
  if (!payload || token.split(".").length !== 3) return null;
  try {
    const json = atob(payload.replaceAll("-", "+").replaceAll("_", "/"));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
};

/**
 * What the console can tell of a credential without asking: a JWT's subject, roles and expiry
 * (only shown, never trusted: the API checks the signature), or that it is an API key.
 */
export const describeCredential = (credential: string): Omit<Session, "credential" | "admin"> | null => {
  if (credential.startsWith("ask_")) {
    return { kind: "api-key", user: `API key ${credential.slice(4, 16)}`, roles: [], expiresAt: null };
  }
  const claims = decodeJwtClaims(credential);
  if (!claims || typeof claims.sub !== "string") return null;
  const roles = Array.isArray(claims.roles)
    ? claims.roles.filter((r): r is string => typeof r === "string")
    : [];
  return {
    kind: "token",
    user: claims.sub,
    roles,
    expiresAt: typeof claims.exp === "number" ? claims.exp * 1000 : null,
  };
};

export const loadSession = (): Session | null => {
  const stored = sessionStorage.getItem(KEY);
  if (!stored) return null;
  try {
    const session = JSON.parse(stored) as Session;
    if (session.expiresAt !== null && session.expiresAt <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    sessionStorage.removeItem(KEY);
    return null;
  }
};

export const saveSession = (session: Session): void => sessionStorage.setItem(KEY, JSON.stringify(session));

export const clearSession = (): void => sessionStorage.removeItem(KEY);

export const clientFor = (credential: string): ArtifactStoreClient =>
  new ArtifactStoreClient({ baseUrl: API_URL, token: credential });

/** Only what the console offers: the API authorizes every call itself. */
export const isAdmin = (session: Session): boolean => session.admin === true;
