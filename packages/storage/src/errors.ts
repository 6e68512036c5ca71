import { STATUS_CODES } from "node:http";
import { unavailable } from "@artifact-store/core";
import type { StorageConfig } from "./client";

interface S3ErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const shapeOf = (error: unknown): S3ErrorShape => (typeof error === "object" && error !== null ? error : {});

export const isNotFound = (error: unknown, ...names: string[]): boolean => {
  const shape = shapeOf(error);
  return (
    shape.$metadata?.httpStatusCode === 404 ||
    names.includes(shape.name ?? "") ||
    names.includes(shape.Code ?? "")
  );
};

/** Storage refused the request itself (403): the key or a policy does not allow it. */
export const isAccessDenied = (error: unknown): boolean => {
  const shape = shapeOf(error);
  return shape.$metadata?.httpStatusCode === 403 || [shape.name, shape.Code].includes("AccessDenied");
};

/** Which storage: the endpoint without anything secret a URL can carry (user info, query), or AWS S3. */
export const storageSite = (storage: Pick<StorageConfig, "endpoint" | "region">): string => {
  if (!storage.endpoint) return `AWS S3 (${storage.region})`;
  try {
    const url = new URL(storage.endpoint);
    return `${url.origin}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    return storage.endpoint.replace(/^[^/]*\/\/[^@/]*@/, "");
  }
};

// Names that say nothing: the useful part is then the code or message beside them.
const GENERIC_NAMES = new Set(["Error", "AggregateError", "Unknown", "UnknownError"]);
const MAX_DEPTH = 3;
// An HTML error page from a proxy in front of storage would otherwise fill the log.
const MAX_CAUSE_LENGTH = 300;

/**
 * What went wrong, in the words of the layer that knows: an S3 error's code and message
 * (`AccessDenied: Access Denied`), or the network's (`connect ECONNREFUSED 127.0.0.1:1`), with
 * the causes it wraps. A connection tried on several addresses fails with each of them.
 */
export const causeOf = (error: unknown, depth = 0): string => {
  if (typeof error !== "object" || error === null) return String(error);
  const { name, message, code, Code, cause, errors } = error as Record<string, unknown>;
  if (Array.isArray(errors) && errors.length > 0 && depth < MAX_DEPTH) {
    return [...new Set(errors.map((each) => causeOf(each, depth + 1)))].join("; ");
  }
  const text = typeof message === "string" ? message.trim() : "";
  const label = [name, Code, code].find(
    (value): value is string => typeof value === "string" && value !== "" && !GENERIC_NAMES.has(value),
  );
  let said = text || label || "unknown error";
  if (label && text && !text.includes(label)) said = `${label}: ${text}`;
  if (cause !== undefined && depth < MAX_DEPTH) {
    const underneath = causeOf(cause, depth + 1);
    if (!said.includes(underneath)) said = `${said} (caused by ${underneath})`;
  }
  return said;
};

/**
 * Storage faults a caller cannot fix become one clear 503 instead of a stack trace, naming the
 * storage, the operation and the cause (never the credentials).
 */
export const storageUnavailable = (
  operation: string,
  error: unknown,
  storage?: Pick<StorageConfig, "endpoint" | "region">,
) => {
  const status = shapeOf(error).$metadata?.httpStatusCode;
  let cause = causeOf(error).slice(0, MAX_CAUSE_LENGTH).replace(/\.$/, "");
  // An answer without a body (every HEAD) leaves the SDK nothing but "UnknownError".
  if (status && GENERIC_NAMES.has(cause)) cause = `${STATUS_CODES[status] ?? "an error"}, with no details`;
  return unavailable(
    "storage_unavailable",
    `Storage${storage ? ` at ${storageSite(storage)}` : ""} did not complete ${operation}` +
      `${status ? ` (HTTP ${status})` : ""}: ${cause}.`,
  );
};
