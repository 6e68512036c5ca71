import type { ErrorKind } from "./errors";

/** A kind of failure, or `internal`: ours, never thrown on purpose (the answer to an unexpected error). */
export type ErrorCodeKind = ErrorKind | "internal";

/**
 * The status each kind is answered with. The one place a kind meets HTTP: the HTTP layer answers
 * with it and the OpenAPI document publishes it, so domain code still only names kinds.
 */
export const STATUS_OF_KIND = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  gone: 410,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCodeKind, number>;

interface ErrorCodeEntry {
  kind: ErrorCodeKind;
  /** What the code tells the caller, in a line: published in the OpenAPI document. */
  meaning: string;
  /** Why a code no source throws yet stays listed (a client may already handle it). */
  reserved?: string;
}

/**
 * Every `code` an error answer can carry, with its kind (so its status) and meaning. Throwing a
 * code not listed here, or with another kind, does not compile; error-codes.test.ts scans the
 * source for codes written as plain text (response bodies built by hand) and for codes no longer used.
 */
export const ERROR_CODES = {
  // invalid (400): the request itself is wrong.
  invalid_request: {
    kind: "invalid",
    meaning: "The path, query or body does not match the operation's schema.",
  },
  invalid_json: { kind: "invalid", meaning: "The body is missing or is not valid JSON." },
  invalid_characters: { kind: "invalid", meaning: "Text holds U+0000 or an unpaired UTF-16 surrogate." },
  invalid_cursor: { kind: "invalid", meaning: "The cursor is not one this listing handed out." },
  cursor_mismatch: {
    kind: "invalid",
    meaning: "The cursor belongs to a search with other filters or another sort.",
  },
  invalid_expiry: { kind: "invalid", meaning: "An expiry time is malformed, in the past or too far ahead." },
  invalid_filename: {
    kind: "invalid",
    meaning: "The filename is empty, too long, a folder or holds control characters.",
  },
  invalid_grantee: { kind: "invalid", meaning: "The grantee is not a user id." },
  invalid_legal_hold: {
    kind: "invalid",
    meaning: "The legal hold change is inconsistent (a reason without a hold).",
  },
  invalid_metadata_filter: { kind: "invalid", meaning: "The metadata search filter is not a JSON object." },
  invalid_part_size: {
    kind: "invalid",
    meaning:
      "The chosen part size is outside S3's limits for this size (5 MiB..5 GiB, at most 10,000 parts).",
  },
  invalid_upload_mode: {
    kind: "invalid",
    meaning:
      "The chosen single PUT or multipart cannot carry this upload (over 5 GiB in one PUT, empty multipart).",
  },
  invalid_part_number: { kind: "invalid", meaning: "A part number is outside the upload's parts." },
  invalid_provenance: {
    kind: "invalid",
    meaning: "A provenance field is malformed (URL, header, status or time).",
  },
  invalid_scopes: { kind: "invalid", meaning: "An API key's scopes name one that does not exist." },
  invalid_size: {
    kind: "invalid",
    meaning: "The declared size is not a whole number of bytes, zero or more.",
  },
  invalid_subject: {
    kind: "invalid",
    meaning: "An API key's subject is not 1-256 visible ASCII characters.",
  },
  invalid_tags: { kind: "invalid", meaning: "Too many tags, or a tag that is empty, too long or malformed." },
  invalid_event: { kind: "invalid", meaning: "An audit event to record is malformed." },
  invalid_filter: { kind: "invalid", meaning: "An audit trail filter is malformed." },
  invalid_option: { kind: "invalid", meaning: "An audit option (a limit, a page size) is out of range." },
  empty_update: { kind: "invalid", meaning: "An artifact update names nothing to change." },
  metadata_too_deep: { kind: "invalid", meaning: "Metadata nests objects and arrays too deep." },
  metadata_too_large: { kind: "invalid", meaning: "Metadata serialises to too many bytes of JSON." },
  part_checksum_required: {
    kind: "invalid",
    meaning: "Part URLs are signed only with each part's checksum, and none came.",
  },
  part_checksums_not_signed: {
    kind: "invalid",
    meaning: 'The upload is opened with partChecksums: "none": its URLs take part numbers, not checksums.',
  },
  sha256_required: {
    kind: "invalid",
    meaning: "The content's SHA-256 was declared neither at opening nor at completion.",
  },
  snapshot_damaged: { kind: "invalid", meaning: "A backup snapshot's records cannot be read back." },
  snapshot_not_found: { kind: "invalid", meaning: "No finished backup snapshot has that id." },
  webhook_url_invalid: {
    kind: "invalid",
    meaning: "The webhook URL is not an absolute http(s) URL, or carries credentials.",
  },
  webhook_url_refused: {
    kind: "invalid",
    meaning: "The webhook URL leads to a non-public address not allowed by settings.",
  },
  webhook_url_unresolvable: { kind: "invalid", meaning: "The webhook URL's host does not resolve." },
  // unauthenticated (401): who is calling is not established.
  authentication_required: {
    kind: "unauthenticated",
    meaning: "The operation needs a bearer token or an API key.",
  },
  api_key_expired: { kind: "unauthenticated", meaning: "The API key has expired." },
  api_key_invalid: { kind: "unauthenticated", meaning: "The API key is not one this store issued." },
  api_key_revoked: { kind: "unauthenticated", meaning: "The API key has been revoked." },
  storage_events_disabled: {
    kind: "unauthenticated",
    meaning: "Storage events are off: no STORAGE_EVENTS_TOKEN is set.",
  },
  token_algorithm_rejected: {
    kind: "unauthenticated",
    meaning: "The token's signing algorithm is not accepted.",
  },
  token_claims_invalid: {
    kind: "unauthenticated",
    meaning: "A token claim (issuer, audience, subject) is not accepted.",
  },
  token_expired: { kind: "unauthenticated", meaning: "The token has expired." },
  token_invalid: {
    kind: "unauthenticated",
    meaning: "The token (or Authorization header) is malformed or its signature fails.",
  },
  token_lifetime_too_long: {
    kind: "unauthenticated",
    meaning: "The token lives longer than AUTH_MAX_TOKEN_LIFETIME_SECONDS.",
  },
  token_not_yet_valid: { kind: "unauthenticated", meaning: "The token's not-before time is still ahead." },
  token_without_expiry: {
    kind: "unauthenticated",
    meaning: "The token has no exp claim, and tokens must expire.",
  },
  // forbidden (403): the caller may not do this.
  insufficient_scope: { kind: "forbidden", meaning: "The API key lacks the scope the operation needs." },
  legal_hold_admin_only: { kind: "forbidden", meaning: "Only an admin may set or release a legal hold." },
  not_owner: {
    kind: "forbidden",
    meaning: "Only the artifact's owner or an admin may change, share or delete it.",
  },
  owner_filter_forbidden: { kind: "forbidden", meaning: "Only admins may search by another owner." },
  webhook_forbidden: { kind: "forbidden", meaning: "Anonymous callers cannot subscribe to webhooks." },
  webhook_owner_forbidden: {
    kind: "forbidden",
    meaning: "Only admins subscribe to, or list, other owners' webhooks.",
  },
  // not_found (404): nothing by that id, or nothing the caller may see.
  artifact_not_found: {
    kind: "not_found",
    meaning: "No artifact has that id, or the caller may not see it.",
  },
  upload_not_found: { kind: "not_found", meaning: "No upload has that id, or the caller may not use it." },
  grant_not_found: { kind: "not_found", meaning: "The grantee holds no grant on the artifact." },
  api_key_not_found: { kind: "not_found", meaning: "No active API key has that id." },
  webhook_not_found: { kind: "not_found", meaning: "No webhook has that id, or the caller may not see it." },
  delivery_not_found: {
    kind: "not_found",
    meaning: "No webhook delivery has that id, or the caller may not see it.",
  },
  route_not_found: { kind: "not_found", meaning: "No operation has that method and path." },
  // conflict (409): the request clashes with the state of what it names.
  artifact_corrupt: {
    kind: "conflict",
    meaning: "The artifact is quarantined: its stored bytes failed verification.",
  },
  artifact_not_available: {
    kind: "conflict",
    meaning: "The artifact is not ready (still uploading, or deleted); no bytes to serve.",
  },
  artifact_not_verifiable: { kind: "conflict", meaning: "The artifact has no stored bytes to verify." },
  artifact_not_verified: {
    kind: "conflict",
    meaning: "The artifact's bytes are not verified yet; retry shortly.",
  },
  backup_running: { kind: "conflict", meaning: "Another backup is running." },
  legal_hold: {
    kind: "conflict",
    meaning: "The artifact is under legal hold and cannot be deleted or expire.",
  },
  parts_mismatch: {
    kind: "conflict",
    meaning: "The parts named at completion are not the parts storage holds (missing, extra or other ETags).",
  },
  sha256_mismatch: {
    kind: "conflict",
    meaning: "The SHA-256 differs from the one declared, or from the stored bytes.",
  },
  size_mismatch: { kind: "conflict", meaning: "Storage holds another number of bytes than was declared." },
  upload_aborted: { kind: "conflict", meaning: "The upload was aborted." },
  upload_completed: { kind: "conflict", meaning: "The upload is already complete." },
  upload_in_progress: {
    kind: "conflict",
    meaning: "The artifact is still uploading; abort its upload instead.",
  },
  upload_incomplete: { kind: "conflict", meaning: "Some parts are not in storage yet." },
  upload_not_in_storage: {
    kind: "conflict",
    meaning: "Storage no longer holds the upload; start a new one.",
  },
  upload_not_multipart: {
    kind: "conflict",
    meaning: "The upload is one PUT, not multipart: Uppy is to PutObject it (its plan said so).",
  },
  // gone (410), precondition_failed (412)
  upload_expired: { kind: "gone", meaning: "The upload expired; start a new one." },
  precondition_failed: {
    kind: "precondition_failed",
    meaning: "If-Match names a version the artifact no longer has.",
  },
  // too_large (413)
  body_too_large: { kind: "too_large", meaning: "The JSON request body is over the size limit." },
  size_limit_exceeded: {
    kind: "too_large",
    meaning: "The declared size is over the largest object allowed.",
  },
  // rate_limited (429)
  rate_limited: {
    kind: "rate_limited",
    meaning: "Too many requests; retry after details.retryAfterSeconds.",
  },
  // internal (500), unavailable (503): ours, not the caller's.
  internal_error: {
    kind: "internal",
    meaning: "Something unexpected failed on the server; the request id finds it in the logs.",
  },
  catalogue_not_migrated: {
    kind: "unavailable",
    meaning: "The catalogue's schema is older than the code; run the migration.",
  },
  storage_unavailable: { kind: "unavailable", meaning: "Object storage failed or did not answer." },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of one kind: what `invalid(...)`, `conflict(...)` and the others accept. */
export type ErrorCodeOf<K extends ErrorCodeKind> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]["kind"] extends K ? C : never;
}[ErrorCode];

/** The HTTP status a code is answered with. */
export const statusOfCode = (code: ErrorCode): number => STATUS_OF_KIND[ERROR_CODES[code].kind];
