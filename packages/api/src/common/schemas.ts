import { ID_PATTERN, SHA256_HEX } from "@artifact-store/core";
import * as v from "valibot";

// The primitives several domains' contracts are built from.

export const Id = v.pipe(v.string(), v.regex(ID_PATTERN, "must be an id issued by this service"));

export const Visibility = v.picklist(["private", "public"]);

// What PostgreSQL's timestamptz and toISOString both write as YYYY-MM-DD: year 0000, or a 9999 an
// offset pushes into 10000, would be a database error instead of a 400.
const EARLIEST_TIME = Date.parse("0001-01-01T00:00:00Z");
const LATEST_TIME = Date.parse("9999-12-31T23:59:59.999Z");

export const IsoTime = v.pipe(
  v.string(),
  v.isoTimestamp("must be an ISO 8601 time such as 2026-12-31T23:59:59Z"),
  v.check((value) => {
    const at = Date.parse(value);
    return at >= EARLIEST_TIME && at <= LATEST_TIME;
  }, "must be a time in the years 0001 to 9999 (UTC)"),
);

export const HttpUrl = v.pipe(v.string(), v.maxLength(4096), v.url("must be an absolute http(s) URL"));
export const CrawlId = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e]{1,200}$/, "must be 1-200 visible ASCII characters"),
);

export const UserId = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e]{1,256}$/, "must be a user id (1-256 visible ASCII characters)"),
);

/** A JSON object; arrays are refused rather than turned into {"0": ...}. */
export const MetadataObject = v.pipe(
  v.custom<Record<string, unknown>>(
    (input) => typeof input === "object" && input !== null && !Array.isArray(input),
    "must be a JSON object",
  ),
  v.record(v.string(), v.unknown()),
);

export const Sha256 = v.pipe(
  v.string(),
  v.toLowerCase(),
  v.regex(SHA256_HEX, "must be 64 hexadecimal digits"),
);

/** A media type, or a family such as image/* (search and webhook filters). */
export const MediaTypeFilter = v.pipe(
  v.string(),
  v.maxLength(255),
  v.regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/i,
    "must be a media type such as text/html, or a family such as image/*",
  ),
);

export const ErrorBody = v.object({
  error: v.object({
    code: v.string(),
    message: v.string(),
    requestId: v.string(),
    details: v.optional(v.record(v.string(), v.unknown())),
  }),
});
export type ErrorBody = v.InferOutput<typeof ErrorBody>;
