import { unauthenticated } from "./errors";

/** What a caller may do at all; each route needs one. Users hold all but admin; keys what they were given. */
export type Scope = "read" | "upload" | "write" | "admin";

export const SCOPES: readonly Scope[] = ["read", "upload", "write", "admin"];

export const USER_SCOPES: readonly Scope[] = ["read", "upload", "write"];

export type Principal =
  /** A person or service authenticated by a bearer JWT. */
  | { kind: "user"; id: string; roles: readonly string[]; scopes: readonly Scope[] }
  /** A service authenticated by an API key, acting as the key's subject within the key's scopes. */
  | { kind: "apiKey"; id: string; keyId: string; roles: readonly string[]; scopes: readonly Scope[] }
  | { kind: "anonymous"; id: null; roles: readonly string[]; scopes: readonly Scope[] };

export const ANONYMOUS: Principal = { kind: "anonymous", id: null, roles: [], scopes: ["read"] };

/** A caller who presented credentials: a user or an API key. */
export type IdentifiedPrincipal = Exclude<Principal, { kind: "anonymous" }>;

/** Refuses an anonymous caller where only an identified one may act: a 401 that asks for credentials. */
export const requireIdentified = (principal: Principal): IdentifiedPrincipal => {
  if (principal.kind === "anonymous") {
    throw unauthenticated("authentication_required", "This operation needs a bearer token or API key.");
  }
  return principal;
};

export const isAdmin = (principal: Principal): boolean => principal.scopes.includes("admin");

export const hasScope = (principal: Principal, scope: Scope): boolean => principal.scopes.includes(scope);

/** How a principal is named in logs and the audit trail. */
export const actorName = (principal: Principal): string => {
  if (principal.kind === "user") return `user:${principal.id}`;
  if (principal.kind === "apiKey") return `key:${principal.keyId}:${principal.id}`;
  return "anonymous";
};
