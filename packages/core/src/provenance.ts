import { invalid } from "./errors";
import type { Provenance } from "./model";

export const PROVENANCE_URL_MAX = 4096;
export const PROVENANCE_ID = /^[\x21-\x7e]{1,200}$/;
export const PROVENANCE_HEADERS_MAX = 50;
export const PROVENANCE_HEADER_VALUE_MAX = 4096;
/** An HTTP field name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,128}$/;

export interface ProvenanceInput {
  sourceUrl?: string | undefined;
  finalUrl?: string | undefined;
  httpStatus?: number | undefined;
  fetchedAt?: string | undefined;
  jobId?: string | undefined;
  runId?: string | undefined;
  userAgent?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/** An absolute http(s) URL in its canonical form (host lower-cased, IDN as punycode). */
const parseUrl = (field: string, raw: string) => {
  try {
    return new URL(raw);
  } catch {
    throw invalid("invalid_provenance", `provenance.${field} must be an absolute URL.`);
  }
};

const httpUrl = (field: string, raw: string): string => {
  const url = parseUrl(field, raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid("invalid_provenance", `provenance.${field} must be an http or https URL.`);
  }
  if (url.href.length > PROVENANCE_URL_MAX) {
    throw invalid(
      "invalid_provenance",
      `provenance.${field} must be at most ${PROVENANCE_URL_MAX} characters.`,
    );
  }
  return url.href;
};

const identifier = (field: string, raw: string): string => {
  if (!PROVENANCE_ID.test(raw)) {
    throw invalid("invalid_provenance", `provenance.${field} must be 1-200 visible ASCII characters.`);
  }
  return raw;
};

const headersOf = (raw: Record<string, string>): Record<string, string> => {
  const entries = Object.entries(raw);
  if (entries.length > PROVENANCE_HEADERS_MAX) {
    throw invalid(
      "invalid_provenance",
      `provenance.headers may hold at most ${PROVENANCE_HEADERS_MAX} headers.`,
    );
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(lower)) {
      throw invalid("invalid_provenance", `provenance.headers: "${name}" is not an HTTP header name.`);
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: header values must not carry them
    if (value.length > PROVENANCE_HEADER_VALUE_MAX || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
      throw invalid(
        "invalid_provenance",
        `provenance.headers: "${name}" must be at most ${PROVENANCE_HEADER_VALUE_MAX} characters without control characters.`,
      );
    }
    headers[lower] = value;
  }
  return headers;
};

/** Validated, canonical provenance; null when nothing was given. */
export const normalizeProvenance = (input: ProvenanceInput | undefined): Provenance | null => {
  if (!input) return null;
  const provenance: Provenance = {
    sourceUrl: input.sourceUrl === undefined ? null : httpUrl("sourceUrl", input.sourceUrl),
    finalUrl: input.finalUrl === undefined ? null : httpUrl("finalUrl", input.finalUrl),
    httpStatus: input.httpStatus ?? null,
    fetchedAt: input.fetchedAt === undefined ? null : new Date(input.fetchedAt),
    jobId: input.jobId === undefined ? null : identifier("jobId", input.jobId),
    runId: input.runId === undefined ? null : identifier("runId", input.runId),
    userAgent: input.userAgent ?? null,
    headers: headersOf(input.headers ?? {}),
  };
  if (provenance.httpStatus !== null && !(provenance.httpStatus >= 100 && provenance.httpStatus <= 599)) {
    throw invalid("invalid_provenance", "provenance.httpStatus must be an HTTP status (100-599).");
  }
  if (provenance.fetchedAt && Number.isNaN(provenance.fetchedAt.getTime())) {
    throw invalid("invalid_provenance", "provenance.fetchedAt must be an ISO 8601 time.");
  }
  const empty =
    Object.entries(provenance).every(([key, value]) => key === "headers" || value === null) &&
    Object.keys(provenance.headers).length === 0;
  return empty ? null : provenance;
};

/** The host a source URL names, for host filters (null when there is no source URL). */
export const sourceHostOf = (provenance: Provenance | null): string | null =>
  provenance?.sourceUrl ? new URL(provenance.sourceUrl).hostname : null;
