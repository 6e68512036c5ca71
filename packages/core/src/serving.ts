import { attachmentDisposition } from "./content-disposition";
import { isTextual, mediaTypeOf } from "./integrity";
import type { Integrity } from "./model";

/**
 * Types a browser runs or renders as a document of the storage origin: scraped HTML, XHTML, SVG,
 * XML (XSLT, feeds) and scripts must never be served under their own type.
 */
export const isActiveContent = (mediaType: string): boolean =>
  mediaType === "text/html" ||
  /\/(.+\+)?xml$/.test(mediaType) ||
  /(java|ecma|j)script$/.test(mediaType) ||
  mediaType === "text/xsl" ||
  mediaType === "application/x-shockwave-flash" ||
  mediaType.startsWith("multipart/");

/** Types served under their own name: inert media, documents and archives, checked by sniffing. */
const PASSIVE_BINARY = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/tiff",
  "image/x-icon",
  "image/vnd.microsoft.icon",
  "image/heic",
  "image/heif",
  "application/pdf",
  "application/zip",
  "application/gzip",
  "application/x-tar",
  "application/zstd",
  "application/x-7z-compressed",
  "application/x-bzip2",
  "application/x-xz",
  "application/warc",
]);

/** Text no browser runs; sniffing cannot confirm text, so these are served as declared. */
const PASSIVE_TEXT = new Set([
  "text/plain",
  "text/csv",
  "text/tab-separated-values",
  "text/markdown",
  "application/json",
  "application/x-ndjson",
  "application/ndjson",
]);

export const SAFE_BINARY_TYPE = "application/octet-stream";

const charsetOf = (contentType: string): string => {
  const match = /;\s*charset\s*=\s*"?([a-z0-9!#$&^_.+-]+)"?/i.exec(contentType);
  return match?.[1] ?? "utf-8";
};

/**
 * The Content-Type a download is served with (always as an attachment). Scraped content is
 * untrusted: text other than a few inert types (so HTML, XHTML, SVG, XML and scripts) goes out as
 * plain text with its charset kept; other active and unknown types, and anything whose first
 * bytes contradicted its declared type, as opaque bytes. Inert binary types keep their name only
 * when sniffing confirmed it.
 */
export const servedContentType = (declaredContentType: string, integrity?: Integrity | null): string => {
  const mediaType = mediaTypeOf(declaredContentType);
  if (integrity?.contentTypeMismatch) return SAFE_BINARY_TYPE;
  if (PASSIVE_TEXT.has(mediaType)) return declaredContentType;
  if (isTextual(mediaType)) return `text/plain; charset=${charsetOf(declaredContentType)}`;
  if (isActiveContent(mediaType)) return SAFE_BINARY_TYPE;
  if (mediaType.startsWith("audio/") || mediaType.startsWith("video/") || PASSIVE_BINARY.has(mediaType)) {
    return integrity?.sniffedType ? declaredContentType : SAFE_BINARY_TYPE;
  }
  return SAFE_BINARY_TYPE;
};

/**
 * The Content-Type and Content-Disposition an upload is stored with, signed into its URL: what
 * its download is served with before sniffing has confirmed anything. A server that ignores a
 * download URL's overrides (moto's) then still serves it as an attachment of a safe type.
 */
export const storedObjectHeaders = (
  declaredContentType: string,
  filename: string,
): { contentType: string; contentDisposition: string } => ({
  contentType: servedContentType(declaredContentType),
  contentDisposition: attachmentDisposition(filename),
});
