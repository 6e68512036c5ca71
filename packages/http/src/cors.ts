// The API's CORS headers, in one place: the functions' own middleware (app.ts) and the API
// gateway in front of them (sst.config.ts, which answers preflights itself) must agree. No
// imports: sst.config.ts loads this file as it is.

/** Request headers a browser may send. */
export const CORS_ALLOW_HEADERS = ["Authorization", "Content-Type", "If-Match", "X-API-Key", "X-Request-Id"];

/** Response headers a browser's script may read. */
export const CORS_EXPOSE_HEADERS = ["X-Request-Id", "Location", "Retry-After", "ETag"];

/** How long a browser may keep a preflight's answer. */
export const CORS_MAX_AGE_SECONDS = 600;
