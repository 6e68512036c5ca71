import { API_ERROR_CODES } from "./contract";

/**
 * Every `code` the API answers an error with: generated into src/contract.ts from the server's
 * registry (packages/core/src/error-codes.ts), so the SDK's list cannot fall behind it.
 */
export { API_ERROR_CODES };

/**
 * Codes the SDK gives errors the API did not spell out: an answer without an error body (a
 * gateway's 502, say), and storage refusing a download.
 */
export const CLIENT_ERROR_CODES = ["http_error", "download_failed"] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number] | (typeof CLIENT_ERROR_CODES)[number];
