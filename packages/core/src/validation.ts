import { invalid } from "./errors";
import type { Metadata } from "./model";

export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** type/subtype with optional parameters, as RFC 9110 tokens. */
export const CONTENT_TYPE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"\p{Cc}]*"|[a-z0-9!#$&^_.+-]+))*$/iu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/**
 * Invisible format characters (Unicode category Cf): bidi controls such as U+202E reorder how a
 * name is shown ("invoice\u202Efdp.exe" reads as "invoiceexe.pdf"), zero-width ones (U+200B,
 * U+FEFF) make two names that look alike differ. Neither belongs in a name a person reads. The
 * zero-width joiner and non-joiner (U+200D, U+200C) are spelling, not tricks: Persian and Indic
 * words need them, and emoji sequences are built with them.
 */
const FORMAT_CHARACTERS = /(?![\u200C\u200D])\p{Cf}/u;
export const TAG = /^[a-z0-9][a-z0-9._:/-]{0,63}$/;

export const FILENAME_MAX_BYTES = 255;
export const TAGS_MAX = 50;
export const METADATA_MAX_BYTES = 16 * 1024;
export const METADATA_MAX_DEPTH = 8;

const utf8Length = (value: string): number => new TextEncoder().encode(value).length;

/**
 * The stored filename: the last path segment of what the client sent (browsers and scrapers
 * sometimes send paths), NFC-normalised. It is metadata only and never reaches an object key.
 */
export const normalizeFilename = (raw: string): string => {
  if (CONTROL_CHARACTERS.test(raw)) {
    throw invalid("invalid_filename", "The filename must not contain control characters.");
  }
  const format = FORMAT_CHARACTERS.exec(raw)?.[0];
  if (format !== undefined) {
    const codePoint = `U+${(format.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    throw invalid(
      "invalid_filename",
      `The filename must not contain invisible format characters (bidi controls, zero-width characters); it contains ${codePoint}.`,
    );
  }
  const base = raw.normalize("NFC").split(/[\\/]/).pop()?.trim() ?? "";
  if (base === "" || base === "." || base === "..") {
    throw invalid("invalid_filename", "The filename must name a file, not a folder.");
  }
  if (utf8Length(base) > FILENAME_MAX_BYTES) {
    throw invalid("invalid_filename", `The filename must be at most ${FILENAME_MAX_BYTES} bytes.`);
  }
  return base;
};

// In u-mode a well-formed surrogate pair is one code point, so \p{Cs} matches lone halves only.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what is matched
const UNSTORABLE_TEXT = /\u0000|\p{Cs}/u;

/**
 * The path (`metadata.title`, `tags.2`) of the first string or key in a JSON value that PostgreSQL
 * cannot store: U+0000 (text and jsonb both refuse it) or half a UTF-16 surrogate pair (no Unicode
 * at all; jsonb refuses its escape). Null when there is none. Iterative, for bodies of any depth.
 */
export const unstorableTextAt = (value: unknown): string | null => {
  // Each entry links to its parent; the path is spelled out only for the one that is reported.
  type Entry = { value: unknown; key: string; parent: Entry | null };
  const pathOf = (entry: Entry): string => {
    const keys: string[] = [];
    for (let at: Entry | null = entry; at?.parent; at = at.parent) keys.push(at.key);
    return keys.reverse().join(".");
  };
  const pending: Entry[] = [{ value, key: "", parent: null }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value === "string") {
      if (UNSTORABLE_TEXT.test(next.value)) return pathOf(next);
      continue;
    }
    if (next.value === null || typeof next.value !== "object") continue;
    for (const [key, child] of Object.entries(next.value)) {
      const entry = { value: child, key, parent: next };
      if (UNSTORABLE_TEXT.test(key)) return pathOf(entry);
      pending.push(entry);
    }
  }
  return null;
};

/** Refuses text that could not be stored (see unstorableTextAt) before anything tries to. */
export const requireStorableText = (value: unknown, where: string): void => {
  const path = unstorableTextAt(value);
  if (path === null) return;
  const subject = path === "" ? where : `${where} field "${path}"`;
  throw invalid(
    "invalid_characters",
    `The ${subject} contains U+0000 or an unpaired UTF-16 surrogate; text must be valid Unicode without NUL characters.`,
    { location: where, field: path },
  );
};

/** Tags are lower-cased and de-duplicated, order kept. */
export const normalizeTags = (raw: readonly string[]): string[] => {
  const tags = [...new Set(raw.map((tag) => tag.trim().toLowerCase()))];
  if (tags.length > TAGS_MAX) throw invalid("invalid_tags", `At most ${TAGS_MAX} tags are allowed.`);
  const bad = tags.find((tag) => !TAG.test(tag));
  if (bad !== undefined) {
    throw invalid(
      "invalid_tags",
      `Tag "${bad}" is not valid: 1-64 characters of a-z, 0-9 and . _ : / -, starting with a letter or digit.`,
    );
  }
  return tags;
};

/**
 * Whether a JSON value nests deeper than `max` objects and arrays. Iterative, and it stops at the
 * first level past the limit, so a body nested 10,000 deep costs no more than one nested 9 deep
 * (a recursive walk, or JSON.stringify, would overflow the stack on it).
 */
const nestsDeeperThan = (value: unknown, max: number): boolean => {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== "object") continue;
    const depth = next.depth + 1;
    if (depth > max) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return false;
};

/**
 * Metadata nests at most METADATA_MAX_DEPTH levels, holds only text jsonb can store, and
 * serialises to at most METADATA_MAX_BYTES of JSON. Depth is checked first: it bounds the
 * recursion of everything that walks metadata afterwards (JSON.stringify here, canonical JSON for
 * sidecars, PostgreSQL's jsonb parser). The text rule is the HTTP layer's too, but a search
 * filter's metadata is JSON inside a query string, parsed only here.
 */
export const validateMetadata = (metadata: Metadata): Metadata => {
  if (nestsDeeperThan(metadata, METADATA_MAX_DEPTH)) {
    throw invalid(
      "metadata_too_deep",
      `Metadata must nest at most ${METADATA_MAX_DEPTH} levels of objects and arrays deep.`,
      { maxDepth: METADATA_MAX_DEPTH },
    );
  }
  requireStorableText(metadata, "metadata");
  if (utf8Length(JSON.stringify(metadata)) > METADATA_MAX_BYTES) {
    throw invalid(
      "metadata_too_large",
      `Metadata must serialise to at most ${METADATA_MAX_BYTES} bytes of JSON.`,
      { maxBytes: METADATA_MAX_BYTES },
    );
  }
  return metadata;
};
