import type { Artifact, ArtifactState, Visibility } from "@artifact-store/core";
import { ARTIFACT_COLUMN_NAMES } from "./catalog";
import type { Database } from "./database";
import type { Row } from "./row-values";
import { artifactFromRow } from "./rows";

/** Every field narrows the result; they combine with AND. */
export interface SearchFilter {
  /** websearch_to_tsquery syntax over filename, source URL and metadata.title. */
  text?: string;
  tagsAll?: readonly string[];
  tagsAny?: readonly string[];
  tagsNone?: readonly string[];
  /** Exact media type (no parameters), lower-case. */
  mediaType?: string;
  /** The part before the slash: "image" for image/*. */
  mediaFamily?: string;
  ownerId?: string;
  visibility?: Visibility;
  /** Never empty. */
  states: readonly ArtifactState[];
  minSize?: number;
  maxSize?: number;
  /** Ranges are [from, to): from inclusive, to exclusive. */
  createdFrom?: Date;
  createdTo?: Date;
  fetchedFrom?: Date;
  fetchedTo?: Date;
  sha256?: string;
  sourceUrl?: string;
  sourceUrlPrefix?: string;
  sourceHost?: string;
  jobId?: string;
  runId?: string;
  httpStatus?: number;
  /** jsonb containment: metadata @> this. */
  metadata?: Record<string, unknown>;
}

/** Whose eyes the search runs for; the catalogue filters by it in SQL. */
export type Viewer = { kind: "admin" } | { kind: "user"; id: string } | { kind: "anonymous" };

export type SortKey = "createdAt" | "size" | "filename";
export type SortOrder = "asc" | "desc";

/** A keyset position: the sort value (as text, exact) and id of the last row seen. */
export interface SearchPosition {
  value: string;
  id: string;
}

export interface SearchRequest {
  filter: SearchFilter;
  viewer: Viewer;
  sort: SortKey;
  order: SortOrder;
  after?: SearchPosition;
  limit: number;
  count: boolean;
  now: Date;
}

export interface SearchResult {
  artifacts: Artifact[];
  /** Where the next page starts; null on the last page. */
  next: SearchPosition | null;
  total?: number;
}

/** Live states anyone allowed may see; the others only their owner (or an admin). */
const OWNER_ONLY_STATES: readonly ArtifactState[] = ["pending", "deleted"];

const SORT_COLUMNS: Record<SortKey, { column: string; asText: string; cast: string }> = {
  // Microseconds, so a position is exact whatever precision rows were written with.
  createdAt: {
    column: "created_at",
    asText: `to_char(artifacts.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    cast: "timestamptz",
  },
  size: { column: "size", asText: "artifacts.size::text", cast: "bigint" },
  filename: { column: "filename", asText: "artifacts.filename", cast: "text" },
};

/**
 * Every column of the record (not the search vectors, which only the filter needs), qualified,
 * because a tag search joins artifact_tags, which has a created_at of its own.
 */
const SELECTED = ARTIFACT_COLUMN_NAMES.map((column) => `artifacts.${column}`).join(", ");

const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (match) => `\\${match}`);

/** Collects parameters and hands back their placeholders: only ever parameterised SQL. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Qualifies a column: the artifact's own, or its tag posting's copy when a search is driven by tag. */
type Column = (name: string) => string;

const ARTIFACT_COLUMN: Column = (name) => `artifacts.${name}`;

/** What each tag posting carries beside its tag (see migration 5). */
const POSTING_COLUMNS = new Set(["created_at", "owner_id", "visibility", "state", "media_type"]);
const POSTING_COLUMN: Column = (name) =>
  POSTING_COLUMNS.has(name) ? `t.${name}` : name === "id" ? "t.artifact_id" : `artifacts.${name}`;

/**
 * What the viewer may see, as disjoint slices of the catalogue: everything for admins; public for
 * anonymous callers; for a user their own, others' public, and others' private ones granted to them.
 * Each slice is searched on its own (each with an index that fits it: owner, public, grants) and
 * the pages merged, which PostgreSQL does far faster than one scan testing "own or public or
 * granted" row by row.
 */
const accessSlices = (
  viewer: Viewer,
  states: readonly ArtifactState[],
  now: Date,
  p: Params,
  c: Column,
): string[] => {
  if (viewer.kind === "admin") return [`${c("state")} = any(${p.add(states)}::text[])`];
  const live = states.filter((state) => !OWNER_ONLY_STATES.includes(state));
  if (viewer.kind === "anonymous") {
    return live.length > 0
      ? [`${c("state")} = any(${p.add(live)}::text[]) and ${c("visibility")} = 'public'`]
      : [];
  }
  const me = p.add(viewer.id);
  const slices = [`${c("owner_id")} = ${me} and ${c("state")} = any(${p.add(states)}::text[])`];
  if (live.length > 0) {
    const liveStates = `${c("state")} = any(${p.add(live)}::text[])`;
    slices.push(`${c("visibility")} = 'public' and ${c("owner_id")} <> ${me} and ${liveStates}`);
    slices.push(`${c("visibility")} = 'private' and ${c("owner_id")} <> ${me} and ${liveStates}
      and ${c("id")} in (select g.artifact_id from artifact_grants g where g.grantee = ${me}
        and (g.expires_at is null or g.expires_at > ${p.add(now.toISOString())}::timestamptz))`);
  }
  return slices;
};

/**
 * The quoted phrases every match must contain, as websearch_to_tsquery reads the text: none when
 * the text has an `or` (a phrase may be one alternative), none negated (`-"..."`), none of one
 * word, none left unclosed. Each adds the index-served condition that the artifact holds the
 * phrase's adjacent word pairs (migration 14); the tsquery still decides, so a phrase left out
 * here only costs speed.
 */
export const requiredPhrases = (text: string): string[] => {
  // Erring on the side of leaving a phrase out: "or" anywhere, even glued to a quote, and any
  // minus before a quote, spaces between or not.
  if (/\bor\b/i.test(text)) return [];
  return [...text.matchAll(/(-\s*)?"([^"]*)"/g)]
    .filter(([, negated, phrase]) => negated === undefined && /\S\s+\S/.test(phrase ?? ""))
    .map(([, , phrase]) => phrase as string);
};

/**
 * Free text. A quoted phrase is found through its word pairs (migration 14), and then the words
 * index is kept out of the plan: GIN cannot check word order, so for a phrase of common words it
 * would hand over every artifact holding them, only to be intersected with the few the pairs
 * index found. `|| ''` hides the column from that index without changing what matches. A phrase
 * whose pairs are all stop words has none; then the words index serves. Both branches are decided
 * when the query is planned (the pairs of a parameter are folded to a constant).
 */
const textClauses = (text: string, p: Params, c: Column): string[] => {
  const query = `websearch_to_tsquery('english', ${p.add(text)})`;
  const phrases = requiredPhrases(text);
  if (phrases.length === 0) return [`${c("search_text")} @@ ${query}`];
  const pairs = phrases
    .map((phrase) => `tsvector_adjacent_pairs(to_tsvector('english', ${p.add(phrase)}))`)
    .join(" || ");
  return [
    `${c("search_pairs")} @> (${pairs})`,
    `case when cardinality(${pairs}) > 0 then (${c("search_text")} || ''::tsvector) @@ ${query}
      else ${c("search_text")} @@ ${query} end`,
  ];
};

const filterClauses = (filter: SearchFilter, p: Params, c: Column): string[] => {
  const where: string[] = [];
  const f = filter;
  if (f.text !== undefined) where.push(...textClauses(f.text, p, c));
  if (f.tagsAll?.length) where.push(`${c("tags")} @> ${p.add(f.tagsAll)}::text[]`);
  if (f.tagsAny?.length) where.push(`${c("tags")} && ${p.add(f.tagsAny)}::text[]`);
  if (f.tagsNone?.length) where.push(`not (${c("tags")} && ${p.add(f.tagsNone)}::text[])`);
  if (f.mediaType !== undefined) where.push(`${c("media_type")} = ${p.add(f.mediaType)}`);
  if (f.mediaFamily !== undefined) {
    where.push(`${c("media_type")} like ${p.add(`${escapeLike(f.mediaFamily)}/%`)}`);
  }
  if (f.ownerId !== undefined) where.push(`${c("owner_id")} = ${p.add(f.ownerId)}`);
  if (f.visibility !== undefined) where.push(`${c("visibility")} = ${p.add(f.visibility)}`);
  if (f.minSize !== undefined) where.push(`${c("size")} >= ${p.add(f.minSize)}`);
  if (f.maxSize !== undefined) where.push(`${c("size")} <= ${p.add(f.maxSize)}`);
  if (f.createdFrom) where.push(`${c("created_at")} >= ${p.add(f.createdFrom.toISOString())}::timestamptz`);
  if (f.createdTo) where.push(`${c("created_at")} < ${p.add(f.createdTo.toISOString())}::timestamptz`);
  if (f.fetchedFrom) where.push(`${c("fetched_at")} >= ${p.add(f.fetchedFrom.toISOString())}::timestamptz`);
  if (f.fetchedTo) where.push(`${c("fetched_at")} < ${p.add(f.fetchedTo.toISOString())}::timestamptz`);
  if (f.sha256 !== undefined) where.push(`${c("sha256")} = ${p.add(f.sha256)}`);
  if (f.sourceUrl !== undefined) where.push(`${c("source_url")} = ${p.add(f.sourceUrl)}`);
  if (f.sourceUrlPrefix !== undefined) {
    where.push(`${c("source_url")} like ${p.add(`${escapeLike(f.sourceUrlPrefix)}%`)}`);
  }
  if (f.sourceHost !== undefined) where.push(`${c("source_host")} = ${p.add(f.sourceHost)}`);
  if (f.jobId !== undefined) where.push(`${c("job_id")} = ${p.add(f.jobId)}`);
  if (f.runId !== undefined) where.push(`${c("run_id")} = ${p.add(f.runId)}`);
  if (f.httpStatus !== undefined) where.push(`${c("http_status")} = ${p.add(f.httpStatus)}`);
  if (f.metadata !== undefined) {
    where.push(`${c("metadata")} @> ${p.add(JSON.stringify(f.metadata))}::text::jsonb`);
  }
  return where;
};

interface Source {
  from: string;
  /** Conditions of the source itself, before the access slices and filters. */
  where: string[];
  column: Column;
  /** The filter left to apply once the source has done its part. */
  filter: SearchFilter;
}

/**
 * Where rows come from. Newest-first searches by tag walk the tag's postings in time order,
 * filtering on the posting's own columns, and stop after a page, however common or rare the tag
 * and however its artifacts cluster in time; a GIN index can only hand back every match unordered.
 * The driving tag is not tested again on the artifact: the planner would count it twice and
 * expect a handful of rows where there are thousands.
 */
const sourceOf = (request: SearchRequest, p: Params): Source => {
  const [tag, ...otherTags] = request.filter.tagsAll ?? [];
  if (request.sort === "createdAt" && tag !== undefined) {
    const { tagsAll: _driving, ...rest } = request.filter;
    return {
      from: "artifact_tags t join artifacts on artifacts.id = t.artifact_id",
      where: [`t.tag = ${p.add(tag)}`],
      column: POSTING_COLUMN,
      filter: otherTags.length > 0 ? { ...rest, tagsAll: otherTags } : rest,
    };
  }
  return { from: "artifacts", where: [], column: ARTIFACT_COLUMN, filter: request.filter };
};

/** The SQL of one search page (and of its count): exported so plans can be checked. */
const buildSearchQuery = (request: SearchRequest): { page: Query; count: Query } => ({
  page: pageQuery(request),
  count: countQuery(request),
});

const pageQuery = (request: SearchRequest): Query => {
  const p = new Params();
  const source = sourceOf(request, p);
  const c = source.column;
  const slices = accessSlices(request.viewer, request.filter.states, request.now, p, c);
  if (slices.length === 0) {
    return { text: `select ${SELECTED}, null as sort_value from artifacts where false`, params: [] };
  }
  const filters = filterClauses(source.filter, p, c);
  const sort = SORT_COLUMNS[request.sort];
  const sortColumn = c(sort.column);
  const direction = request.order === "asc" ? "asc" : "desc";
  if (request.after) {
    const comparison = request.order === "asc" ? ">" : "<";
    source.where.push(
      `(${sortColumn}, ${c("id")}) ${comparison} (${p.add(request.after.value)}::${sort.cast}, ${p.add(request.after.id)}::uuid)`,
    );
  }
  const limit = p.add(request.limit + 1);
  const pages = slices.map(
    (slice) => `select ${SELECTED}, ${sort.asText} as sort_value from ${source.from}
      where ${[...source.where, slice, ...filters].join(" and ")}
      order by ${sortColumn} ${direction}, ${c("id")} ${direction} limit ${limit}`,
  );
  if (pages.length === 1) return { text: pages[0] as string, params: p.values };
  return {
    text: `${pages.map((page) => `(${page})`).join(" union all ")}
      order by ${sort.column} ${direction}, id ${direction} limit ${limit}`,
    params: p.values,
  };
};

/** The slices are disjoint, so their counts add up. */
const countQuery = (request: SearchRequest): Query => {
  const p = new Params();
  const slices = accessSlices(request.viewer, request.filter.states, request.now, p, ARTIFACT_COLUMN);
  if (slices.length === 0) return { text: "select 0::bigint as total", params: [] };
  const filters = filterClauses(request.filter, p, ARTIFACT_COLUMN);
  const counts = slices.map(
    (slice) => `select count(*) as n from artifacts where ${[slice, ...filters].join(" and ")}`,
  );
  return {
    text: `select coalesce(sum(n), 0)::bigint as total from (${counts.join(" union all ")}) as slices`,
    params: p.values,
  };
};

export interface Query {
  text: string;
  params: unknown[];
}

/** Artifact search over the catalogue, with keyset paging on (sort value, id). */
export class SearchRecords {
  constructor(private readonly db: Database) {}

  async search(request: SearchRequest): Promise<SearchResult> {
    const { page, count } = buildSearchQuery(request);
    const [rows, totalRows] = await Promise.all([
      this.db.query<Row>(page.text, page.params),
      request.count ? this.db.query<Row>(count.text, count.params) : Promise.resolve(null),
    ]);
    const shown = rows.slice(0, request.limit);
    const last = shown[shown.length - 1];
    return {
      artifacts: shown.map(artifactFromRow),
      next:
        rows.length > request.limit && last ? { value: String(last.sort_value), id: String(last.id) } : null,
      ...(totalRows ? { total: Number(totalRows[0]?.total ?? 0) } : {}),
    };
  }
}
