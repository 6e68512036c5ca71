import type { Integrity } from "./model";

/** What reading an artifact's object back found: its length, its SHA-256 and what its first bytes show. */
export interface ObservedBytes {
  size: number;
  sha256: string;
  /** The type the first bytes show (a magic-number sniffer), null when none it knows. */
  sniffedType: string | null;
  /** Whether the sniffer recognises the declared type at all (it knows its signature). */
  declaredTypeSniffable: boolean;
}

/** A declared type the bytes contradict: only recorded, or the artifact is corrupt. */
export type ContentTypeMismatchPolicy = "flag" | "reject";

export interface Declared {
  size: number;
  sha256: string | null;
  contentType: string;
}

export interface IntegrityVerdict {
  state: "verified" | "corrupt";
  integrity: Integrity;
  /** The SHA-256 to record on an artifact that declared none: the server's, of its whole stored bytes. */
  sha256?: string;
}

/** `Text/HTML; charset=utf-8` -> `text/html`. */
export const mediaTypeOf = (contentType: string): string =>
  (contentType.split(";")[0] ?? "").trim().toLowerCase();

/** Types whose content is text: no magic number tells them apart, so sniffing cannot confirm or refute them. */
export const isTextual = (mediaType: string): boolean =>
  mediaType.startsWith("text/") ||
  /\/(.+\+)?(xml|json)$/.test(mediaType) ||
  /^application\/(x-)?(javascript|ecmascript|ndjson|x-ndjson|csv|yaml|x-yaml|toml|sql|graphql)$/.test(
    mediaType,
  );

/** Other names the same format goes by, mapped to the one the sniffer reports. */
const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "image/x-png": "image/png",
  "image/vnd.microsoft.icon": "image/x-icon",
  "application/x-pdf": "application/pdf",
  "application/x-gzip": "application/gzip",
  "application/x-zip-compressed": "application/zip",
  "audio/mp3": "audio/mpeg",
  "audio/x-mp3": "audio/mpeg",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/vnd.wave": "audio/wav",
};

/** Formats sharing one container, which sniffing alone cannot always tell apart. */
const SAME_CONTAINER: readonly (readonly string[])[] = [
  ["video/mp4", "audio/mp4", "audio/x-m4a", "audio/m4a", "video/x-m4v", "video/quicktime", "image/heic"],
  ["audio/ogg", "video/ogg", "application/ogg", "audio/opus"],
  ["video/webm", "audio/webm", "video/x-matroska", "audio/x-matroska"],
  [
    "application/x-cfb",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.ms-outlook",
    "application/x-msi",
  ],
];

/** Compression wrapped around whatever the declared type names (a `.warc.gz` declared application/warc). */
const COMPRESSION = new Set([
  "application/gzip",
  "application/zstd",
  "application/x-bzip2",
  "application/x-xz",
  "application/x-brotli",
]);

/** `image/jpg` -> `image/jpeg`: the name a sniffer reports for the format. */
export const canonicalMediaType = (mediaType: string): string => ALIASES[mediaType] ?? mediaType;

/**
 * Whether a declared content type and what the first bytes show can both be true. Text types,
 * which no magic number identifies, only disagree with bytes that clearly are a binary format.
 */
export const contentTypesAgree = (
  declaredContentType: string,
  sniffedType: string | null,
  declaredTypeSniffable: boolean,
): boolean => {
  const declared = canonicalMediaType(mediaTypeOf(declaredContentType));
  if (declared === "application/octet-stream") return true;
  if (sniffedType === null) return !declaredTypeSniffable || isTextual(declared);
  const sniffed = canonicalMediaType(mediaTypeOf(sniffedType));
  if (sniffed === declared) return true;
  // An XML declaration starts XHTML, SVG, feeds and every other XML dialect.
  if (sniffed === "application/xml" || sniffed === "text/xml") {
    return declared === "text/html" || /\/(.+\+)?xml$/.test(declared);
  }
  // Office documents, EPUB, JAR and APK are zip files with a manifest the sniffer may not reach.
  if (sniffed === "application/zip") {
    return (
      declared.endsWith("+zip") ||
      /^application\/(vnd\.openxmlformats-|vnd\.oasis\.opendocument\.|java-archive|vnd\.android\.package-archive)/.test(
        declared,
      )
    );
  }
  if (COMPRESSION.has(sniffed)) return !declaredTypeSniffable || isTextual(declared);
  return SAME_CONTAINER.some((group) => group.includes(declared) && group.includes(sniffed));
};

/**
 * The verdict on an artifact's stored bytes: missing, a size or SHA-256 other than declared, or
 * (under "reject") a content type the bytes contradict make it corrupt; anything else verified.
 */
export const integrityVerdict = (
  declared: Declared,
  observed: ObservedBytes | null,
  policy: ContentTypeMismatchPolicy,
  checkedAt: Date,
  previous: Integrity | null = null,
): IntegrityVerdict => {
  // Only the first check of an artifact that declared none computes it; later ones compare with it.
  const sha256Source = declared.sha256 === null ? "server" : (previous?.sha256Source ?? "uploader");
  const agrees = (bytes: ObservedBytes) =>
    contentTypesAgree(declared.contentType, bytes.sniffedType, bytes.declaredTypeSniffable);
  const corrupt = (
    reason: Integrity["reason"],
    details: Record<string, unknown>,
    bytes?: ObservedBytes,
  ): IntegrityVerdict => ({
    state: "corrupt",
    integrity: {
      checkedAt,
      verifiedAt: previous?.verifiedAt ?? null,
      reason,
      details,
      sniffedType: bytes?.sniffedType ?? null,
      contentTypeMismatch: bytes ? !agrees(bytes) : false,
      sha256Source,
    },
  });

  if (observed === null) return corrupt("object_missing", {});
  if (observed.size !== declared.size) {
    return corrupt(
      "size_mismatch",
      { expectedSize: declared.size, actualSize: observed.size, actualSha256: observed.sha256 },
      observed,
    );
  }
  if (declared.sha256 !== null && observed.sha256 !== declared.sha256) {
    return corrupt("sha256_mismatch", { expected: declared.sha256, actual: observed.sha256 }, observed);
  }
  const computed = declared.sha256 === null ? { sha256: observed.sha256 } : {};
  const mismatch = !agrees(observed);
  const typeDetails = { declaredType: mediaTypeOf(declared.contentType), sniffedType: observed.sniffedType };
  if (mismatch && policy === "reject") {
    return { ...corrupt("content_type_mismatch", typeDetails, observed), ...computed };
  }
  return {
    ...computed,
    state: "verified",
    integrity: {
      checkedAt,
      verifiedAt: checkedAt,
      reason: null,
      details: mismatch ? typeDetails : {},
      sniffedType: observed.sniffedType,
      contentTypeMismatch: mismatch,
      sha256Source,
    },
  };
};
