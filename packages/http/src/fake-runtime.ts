// A runtime for the unit tests of this package: no catalogue, no storage, just what http asks of
// one (RequestRuntime), recording what it was asked. Not exported from index.ts.
import type { AuditEvent } from "@artifact-store/audit";
import { type Principal, unauthenticated } from "@artifact-store/core";
import type { RequestRuntime } from "./runtime-source";

export const ALICE: Principal = { kind: "user", id: "alice", roles: [], scopes: ["read", "upload", "write"] };
export const ADMIN: Principal = { kind: "user", id: "root", roles: ["admin"], scopes: ["read", "admin"] };

export interface FakeRuntime extends RequestRuntime {
  /** Events appended to the audit trail, in order. */
  events: AuditEvent[];
  /** Rate limit keys hit, in order. */
  hits: string[];
  /** How many times `ready` was awaited. */
  readied: number;
}

/** Credentials "alice" and "root" authenticate; anything else is a bad token. */
export const fakeRuntime = (options: { admitted?: boolean; auditFails?: boolean } = {}): FakeRuntime => {
  const runtime: FakeRuntime = {
    events: [],
    hits: [],
    readied: 0,
    config: { signingRateLimitPerMinute: 10 },
    authenticate: async (credential) => {
      if (credential === "alice") return ALICE;
      if (credential === "root") return ADMIN;
      throw unauthenticated("token_invalid", "The token is not valid.");
    },
    rateLimits: {
      hit: async (key) => {
        runtime.hits.push(key);
        return options.admitted === false
          ? { admitted: false, retryAfterSeconds: 42 }
          : { admitted: true, retryAfterSeconds: 0 };
      },
    },
    audit: {
      append: async (event) => {
        if (options.auditFails) throw new Error("catalogue down");
        runtime.events.push(event);
      },
    },
    ready: async () => {
      runtime.readied += 1;
    },
  };
  return runtime;
};
