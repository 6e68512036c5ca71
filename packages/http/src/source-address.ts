import type { Context } from "hono";

/** The caller's address as the gateway (or the local router) saw it; null when nobody said. */
export const sourceAddress = (c: Context): string | null =>
  c.req.header("x-forwarded-for")?.split(",")[0]?.trim() || null;
