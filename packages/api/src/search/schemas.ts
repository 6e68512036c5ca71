import { type ArtifactState, invalid, type SearchCriteria } from "@artifact-store/core";
import * as v from "valibot";
import { ArtifactView } from "../artifacts/schemas";
import { CrawlId, HttpUrl, IsoTime, MediaTypeFilter, Sha256, UserId, Visibility } from "../common/schemas";

const CommaList = (pattern: RegExp, message: string) =>
  v.pipe(v.string(), v.maxLength(4000), v.regex(pattern, message));
const Count = v.pipe(
  v.string(),
  v.regex(/^\d{1,16}$/, "must be a whole number"),
  v.toNumber(),
  v.safeInteger(),
);

/** GET /v1/artifacts: every filter is optional and they combine with AND. */
export const SearchParams = v.strictObject({
  /** Free text over filename, source URL and metadata.title (PostgreSQL full-text, websearch syntax). */
  q: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(500))),
  /** Comma-separated tags the artifact must all carry. */
  tags: v.optional(CommaList(/^[^,]+(,[^,]+)*$/, "must be tags separated by commas")),
  /** Comma-separated tags of which the artifact must carry at least one. */
  tagsAny: v.optional(CommaList(/^[^,]+(,[^,]+)*$/, "must be tags separated by commas")),
  /** Comma-separated tags the artifact must carry none of. */
  tagsNone: v.optional(CommaList(/^[^,]+(,[^,]+)*$/, "must be tags separated by commas")),
  /** A media type (parameters ignored), or a family such as image/*. */
  contentType: v.optional(MediaTypeFilter),
  /** Admins: any owner. Others may only name themselves. */
  owner: v.optional(UserId),
  visibility: v.optional(Visibility),
  /**
   * Comma-separated states; default uploaded,verified. pending and deleted only ever match the
   * caller's own artifacts (every artifact for admins).
   */
  state: v.optional(
    CommaList(
      /^(pending|uploaded|verified|corrupt|deleted)(,(pending|uploaded|verified|corrupt|deleted))*$/,
      "must be states (pending, uploaded, verified, corrupt, deleted) separated by commas",
    ),
  ),
  minSize: v.optional(Count),
  maxSize: v.optional(Count),
  createdFrom: v.optional(IsoTime),
  createdTo: v.optional(IsoTime),
  fetchedFrom: v.optional(IsoTime),
  fetchedTo: v.optional(IsoTime),
  sha256: v.optional(Sha256),
  sourceUrl: v.optional(HttpUrl),
  sourceUrlPrefix: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
  sourceHost: v.optional(
    v.pipe(v.string(), v.maxLength(253), v.regex(/^[a-z0-9.\-[\]:]+$/i, "must be a host name")),
  ),
  jobId: v.optional(CrawlId),
  runId: v.optional(CrawlId),
  httpStatus: v.optional(
    v.pipe(v.string(), v.regex(/^[1-5]\d\d$/, "must be an HTTP status"), v.toNumber(), v.integer()),
  ),
  /** A JSON object the artifact's metadata must contain (jsonb @>), e.g. {"lang":"en"}. */
  metadata: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  sort: v.optional(v.picklist(["createdAt", "size", "filename"])),
  /** Default desc for createdAt and size, asc for filename. */
  order: v.optional(v.picklist(["asc", "desc"])),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,4}$/, "must be 1-500"), v.toNumber(), v.minValue(1), v.maxValue(500)),
  ),
  /** nextCursor of the previous page, with the same filters and sort. */
  cursor: v.optional(v.pipe(v.string(), v.maxLength(2000))),
  /** true adds the number of matches (all pages) to the answer. */
  count: v.optional(v.picklist(["true", "false"])),
});
export type SearchParams = v.InferOutput<typeof SearchParams>;

const listOf = (raw: string | undefined) => raw?.split(",");
const timeOf = (raw: string | undefined) => (raw === undefined ? undefined : new Date(raw));

const badMetadataFilter = () =>
  invalid("invalid_metadata_filter", 'metadata must be a JSON object, such as {"lang":"en"}.');

const metadataOf = (raw: string | undefined): Record<string, unknown> | undefined => {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badMetadataFilter();
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw badMetadataFilter();
  return parsed as Record<string, unknown>;
};

/**
 * The query string read into what the search asks for. Runs only once every field passed, and
 * throws the metadata filter's own error code (a DomainError) rather than a generic issue.
 */
const criteriaOf = (params: SearchParams): SearchCriteria => {
  const { q, tags, tagsAny, tagsNone, state, metadata, count, ...rest } = params;
  return {
    ...rest,
    text: q,
    tagsAll: listOf(tags),
    tagsAny: listOf(tagsAny),
    tagsNone: listOf(tagsNone),
    states: state === undefined ? undefined : [...new Set(state.split(",") as ArtifactState[])],
    createdFrom: timeOf(params.createdFrom),
    createdTo: timeOf(params.createdTo),
    fetchedFrom: timeOf(params.fetchedFrom),
    fetchedTo: timeOf(params.fetchedTo),
    metadata: metadataOf(metadata),
    count: count === "true",
  };
};

/** The search's query string, as the route validates it and hands it on as criteria. */
export const SearchQuery = v.pipe(SearchParams, v.transform(criteriaOf));

export const SearchPage = v.object({
  artifacts: v.array(ArtifactView),
  nextCursor: v.nullable(v.string()),
  total: v.optional(v.number()),
});
export type SearchPage = v.InferOutput<typeof SearchPage>;
