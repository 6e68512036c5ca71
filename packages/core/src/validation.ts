import { invalid } from "./errors";
import type { Metadata } from "./model";

export const SHA256_HEX = /^[0-9a-f]{64}$/;
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** type/subtype with optional parameters, as RFC 9110 tokens. */
export const CONTENT_TYPE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"\p{Cc}]*"|[a-z0-9!#$&^_.+-]+))*$/iu;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
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
  const base = raw.normalize("NFC").split(/[\\/]/).pop()?.trim() ?? "";
  if (base === "" || base === "." || base === "..") {
    throw invalid("invalid_filename", "The filename must name a file, not a folder.");
  }
  if (utf8Length(base) > FILENAME_MAX_BYTES) {
    throw invalid("invalid_filename", `The filename must be at most ${FILENAME_MAX_BYTES} bytes.`);
  }
  return base;
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

const depthOf = (value: unknown): number => {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, depthOf(child)), 0);
};

export const validateMetadata = (metadata: Metadata): Metadata => {
  if (utf8Length(JSON.stringify(metadata)) > METADATA_MAX_BYTES) {
    throw invalid(
      "invalid_metadata",
      `Metadata must serialise to at most ${METADATA_MAX_BYTES} bytes of JSON.`,
    );
  }
  if (depthOf(metadata) > METADATA_MAX_DEPTH) {
    throw invalid("invalid_metadata", `Metadata must nest at most ${METADATA_MAX_DEPTH} levels deep.`);
  }
  return metadata;
};
