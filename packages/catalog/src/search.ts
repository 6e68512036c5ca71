import type { Artifact, ArtifactState, Visibility } from "@artifact-store/core";
import type { Database } from "./database";
import { artifactFromRow, type Row } from "./rows";

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
    asText: `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    cast: "timestamptz",
  },
  size: { column: "size", asText: "size::text", cast: "bigint" },
  filename: { column: "filename", asText: "filename", cast: "text" },
};

/** Every column but the search vector, which only the filter needs. */
const COLUMNS = `id, owner_id, object_key, filename, content_type, size, sha256, metadata, tags, visibility, state,
  etag, created_at, updated_at, uploaded_at, deleted_at, source_url, final_url, http_status, fetched_at, job_id,
  run_id, user_agent, response_headers`;

const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (match) => `\\${match}`);

/** Collects parameters and hands back their placeholders: only ever parameterised SQL. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** What the viewer may see, in SQL: public, own, live grant, or everything for admins. */
const accessClause = (viewer: Viewer, states: readonly ArtifactState[], now: Date, p: Params): string => {
  if (viewer.kind === "admin") return `state = any(${p.add(states)}::text[])`;
  const live = states.filter((state) => !OWNER_ONLY_STATES.includes(state));
  if (viewer.kind === "anonymous") {
    return live.length > 0 ? `(state = any(${p.add(live)}::text[]) and visibility = 'public')` : "false";
  }
  const me = p.add(viewer.id);
  const clauses: string[] = [];
  if (live.length > 0) {
    clauses.push(`(state = any(${p.add(live)}::text[]) and (owner_id = ${me} or visibility = 'public'
      or exists (select 1 from artifact_grants g where g.artifact_id = artifacts.id and g.grantee = ${me}
        and (g.expires_at is null or g.expires_at > ${p.add(now.toISOString())}::timestamptz))))`);
  }
  const ownerOnly = states.filter((state) => OWNER_ONLY_STATES.includes(state));
  if (ownerOnly.length > 0) {
    clauses.push(`(state = any(${p.add(ownerOnly)}::text[]) and owner_id = ${me})`);
  }
  return clauses.length > 0 ? `(${clauses.join(" or ")})` : "false";
};

const filterClauses = (filter: SearchFilter, p: Params): string[] => {
  const where: string[] = [];
  const f = filter;
  if (f.text !== undefined) where.push(`search_text @@ websearch_to_tsquery('english', ${p.add(f.text)})`);
  if (f.tagsAll?.length) where.push(`tags @> ${p.add(f.tagsAll)}::text[]`);
  if (f.tagsAny?.length) where.push(`tags && ${p.add(f.tagsAny)}::text[]`);
  if (f.tagsNone?.length) where.push(`not (tags && ${p.add(f.tagsNone)}::text[])`);
  if (f.mediaType !== undefined) where.push(`media_type = ${p.add(f.mediaType)}`);
  if (f.mediaFamily !== undefined) where.push(`media_type like ${p.add(`${escapeLike(f.mediaFamily)}/%`)}`);
  if (f.ownerId !== undefined) where.push(`owner_id = ${p.add(f.ownerId)}`);
  if (f.visibility !== undefined) where.push(`visibility = ${p.add(f.visibility)}`);
  if (f.minSize !== undefined) where.push(`size >= ${p.add(f.minSize)}`);
  if (f.maxSize !== undefined) where.push(`size <= ${p.add(f.maxSize)}`);
  if (f.createdFrom) where.push(`created_at >= ${p.add(f.createdFrom.toISOString())}::timestamptz`);
  if (f.createdTo) where.push(`created_at < ${p.add(f.createdTo.toISOString())}::timestamptz`);
  if (f.fetchedFrom) where.push(`fetched_at >= ${p.add(f.fetchedFrom.toISOString())}::timestamptz`);
  if (f.fetchedTo) where.push(`fetched_at < ${p.add(f.fetchedTo.toISOString())}::timestamptz`);
  if (f.sha256 !== undefined) where.push(`sha256 = ${p.add(f.sha256)}`);
  if (f.sourceUrl !== undefined) where.push(`source_url = ${p.add(f.sourceUrl)}`);
  if (f.sourceUrlPrefix !== undefined) {
    where.push(`source_url like ${p.add(`${escapeLike(f.sourceUrlPrefix)}%`)}`);
  }
  if (f.sourceHost !== undefined) where.push(`source_host = ${p.add(f.sourceHost)}`);
  if (f.jobId !== undefined) where.push(`job_id = ${p.add(f.jobId)}`);
  if (f.runId !== undefined) where.push(`run_id = ${p.add(f.runId)}`);
  if (f.httpStatus !== undefined) where.push(`http_status = ${p.add(f.httpStatus)}`);
  if (f.metadata !== undefined) where.push(`metadata @> ${p.add(JSON.stringify(f.metadata))}::text::jsonb`);
  return where;
};

/** The SQL of one search page (and of its count): exported so plans can be checked. */
export const buildSearchQuery = (request: SearchRequest): { page: Query; count: Query } => {
  const p = new Params();
  const where = [
    accessClause(request.viewer, request.filter.states, request.now, p),
    ...filterClauses(request.filter, p),
  ];
  const countQuery: Query = {
    text: `select count(*)::bigint as total from artifacts where ${where.join(" and ")}`,
    params: [...p.values],
  };
  const sort = SORT_COLUMNS[request.sort];
  const direction = request.order === "asc" ? "asc" : "desc";
  if (request.after) {
    const comparison = request.order === "asc" ? ">" : "<";
    where.push(
      `(${sort.column}, id) ${comparison} (${p.add(request.after.value)}::${sort.cast}, ${p.add(request.after.id)}::uuid)`,
    );
  }
  const page: Query = {
    text: `select ${COLUMNS}, ${sort.asText} as sort_value from artifacts where ${where.join(" and ")}
      order by ${sort.column} ${direction}, id ${direction} limit ${p.add(request.limit + 1)}`,
    params: p.values,
  };
  return { page, count: countQuery };
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
