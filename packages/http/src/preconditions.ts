import type { Context } from "hono";

/** An artifact version as an entity tag: `"3"`. */
export const versionTag = (version: number): string => `"${version}"`;

const STRONG_VERSION = /^"(\d{1,9})"$/;

/**
 * The versions an `If-Match` header accepts; null when it is absent or `*` (no precondition).
 * Comparison is strong (RFC 9110), so weak tags (W/"3") and anything else match no version.
 */
export const ifMatchVersions = (c: Context): number[] | null => {
  const header = c.req.header("if-match")?.trim();
  if (header === undefined || header === "" || header === "*") return null;
  return header.split(",").flatMap((tag) => {
    const match = STRONG_VERSION.exec(tag.trim());
    return match?.[1] ? [Number(match[1])] : [];
  });
};
