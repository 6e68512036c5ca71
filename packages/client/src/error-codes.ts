/**
 * Every `code` the API answers an error with (`{"error": {"code", ...}}`). The server's own list is
 * the code it throws; src/error-codes.test.ts reads that and fails when this one is behind it.
 */
export const API_ERROR_CODES = [
  // 400: the request itself is wrong.
  "invalid_request",
  "invalid_json",
  "invalid_characters",
  "invalid_cursor",
  "cursor_mismatch",
  "invalid_expiry",
  "invalid_filename",
  "invalid_grantee",
  "invalid_legal_hold",
  "invalid_metadata_filter",
  "invalid_part_number",
  "invalid_provenance",
  "invalid_scopes",
  "invalid_size",
  "invalid_subject",
  "invalid_tags",
  "invalid_event",
  "invalid_filter",
  "invalid_option",
  "empty_update",
  "metadata_too_deep",
  "metadata_too_large",
  "part_checksum_required",
  "sha256_required",
  "snapshot_damaged",
  "snapshot_not_found",
  "webhook_url_invalid",
  "webhook_url_refused",
  "webhook_url_unresolvable",
  // 401: who is calling is not established.
  "authentication_required",
  "api_key_expired",
  "api_key_invalid",
  "api_key_revoked",
  "storage_events_disabled",
  "token_algorithm_rejected",
  "token_claims_invalid",
  "token_expired",
  "token_invalid",
  "token_lifetime_too_long",
  "token_not_yet_valid",
  "token_without_expiry",
  // 403: the caller may not do this.
  "insufficient_scope",
  "legal_hold_admin_only",
  "not_owner",
  "owner_filter_forbidden",
  "webhook_forbidden",
  "webhook_owner_forbidden",
  // 404
  "artifact_not_found",
  "upload_not_found",
  "grant_not_found",
  "api_key_not_found",
  "webhook_not_found",
  "delivery_not_found",
  "route_not_found",
  // 409, 410, 412: the request clashes with the state of what it names.
  "artifact_corrupt",
  "artifact_not_available",
  "artifact_not_verifiable",
  "artifact_not_verified",
  "backup_running",
  "legal_hold",
  "sha256_mismatch",
  "size_mismatch",
  "upload_aborted",
  "upload_completed",
  "upload_expired",
  "upload_in_progress",
  "upload_incomplete",
  "upload_not_in_storage",
  "precondition_failed",
  // 413
  "body_too_large",
  "size_limit_exceeded",
  // 429
  "rate_limited",
  // 500, 503
  "internal_error",
  "catalogue_not_migrated",
  "storage_unavailable",
] as const;

/**
 * Codes the SDK gives errors the API did not spell out: an answer without an error body (a
 * gateway's 502, say), and storage refusing a download.
 */
export const CLIENT_ERROR_CODES = ["http_error", "download_failed"] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number] | (typeof CLIENT_ERROR_CODES)[number];
