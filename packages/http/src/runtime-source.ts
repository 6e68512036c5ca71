import type { AuditEvent } from "@artifact-store/audit";
import type { Principal } from "@artifact-store/core";

/**
 * What this package itself asks of a function's runtime: who a credential belongs to, the
 * signing rate limit, the audit trail. The runtime package's `Runtime` is one; a test's fake is
 * another. Nothing here imports the runtime package, so http depends on no wiring.
 */
export interface RequestRuntime {
  config: { signingRateLimitPerMinute: number };
  authenticate: (credential: string) => Promise<Principal>;
  rateLimits: {
    hit: (
      key: string,
      limit: { hits: number; windowSeconds: number },
      now: Date,
      weight?: number,
    ) => Promise<{ admitted: boolean; retryAfterSeconds: number }>;
  };
  audit: { append: (event: AuditEvent) => Promise<unknown> };
  /** Resolves once the catalogue is ready; rate limits and the audit trail live there. */
  ready: () => Promise<void>;
}

/**
 * Where a function's handlers get their runtime (`c.var.runtime`), and what must be ready before
 * a handler runs: the catalogue, and the bucket where the handlers touch storage. Readied after
 * authentication and validation, so a caller's mistake is answered as such even while a
 * dependency is down.
 */
export interface RuntimeSource<R extends RequestRuntime> {
  /** The process's runtime; built once, so asking again is cheap. */
  runtime: () => Promise<R>;
  ready?: (runtime: R) => Promise<void>;
}
