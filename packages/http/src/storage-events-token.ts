import { createHash, timingSafeEqual } from "node:crypto";
import { unauthenticated } from "@artifact-store/core";
import type { Context } from "hono";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Storage proves itself with the configured token: `Authorization: Bearer <token>` (MinIO's
 * webhook target, EventBridge connections) or `?token=` for servers whose push endpoints cannot
 * send headers (Ceph RGW topics, SNS). Compared in constant time; with no token configured,
 * nothing gets in.
 */
export const storageEventsCaller = (c: Context, expected: string | undefined): void => {
  const header = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const presented = header ?? c.req.query("token");
  if (!expected) {
    throw unauthenticated("storage_events_disabled", "No STORAGE_EVENTS_TOKEN is configured.");
  }
  if (!presented || !timingSafeEqual(digest(presented), digest(expected))) {
    throw unauthenticated("token_invalid", "Wrong or missing storage events token.");
  }
};
