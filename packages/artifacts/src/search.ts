import { createHash } from "node:crypto";
import type {
  SearchFilter,
  SearchPosition,
  SearchRecords,
  SortKey,
  SortOrder,
  Viewer,
} from "@artifact-store/catalog";
import {
  type ArtifactPage,
  type ArtifactState,
  forbidden,
  ID_PATTERN,
  invalid,
  isAdmin,
  normalizeTags,
  type Principal,
  type SearchCriteria,
  unstorableTextAt,
  validateMetadata,
} from "@artifact-store/core";

export const SEARCH_DEFAULT_LIMIT = 50;
const DEFAULT_STATES: readonly ArtifactState[] = ["uploaded", "verified"];

const viewerOf = (principal: Principal): Viewer => {
  if (isAdmin(principal)) return { kind: "admin" };
  return principal.id === null ? { kind: "anonymous" } : { kind: "user", id: principal.id };
};

/**
 * The catalogue indexes filenames and URLs split at punctuation, so the query is split the same
 * way: "example.org" finds blog.example.org, "shared-notes" finds shared-notes.txt. Operators
 * (quotes, a leading "-", "or") are untouched.
 */
const textQuery = (q: string): string =>
  q.replace(/([\p{L}\p{N}])[^\p{L}\p{N}\s"]+(?=[\p{L}\p{N}])/gu, "$1 ");

/** The filter in the catalogue's terms; owner filters are for admins, or a caller naming themself. */
const filterOf = (query: SearchCriteria, viewer: Viewer): SearchFilter => {
  if (query.owner !== undefined && viewer.kind !== "admin") {
    if (viewer.kind !== "user" || viewer.id !== query.owner) {
      throw forbidden("owner_filter_forbidden", "Only admins may filter by another owner.");
    }
  }
  const [family, subtype] = (query.contentType?.toLowerCase() ?? "").split("/");
  const filter: SearchFilter = {
    states: query.states ?? DEFAULT_STATES,
    ...(query.text !== undefined ? { text: textQuery(query.text) } : {}),
    ...(query.tagsAll !== undefined ? { tagsAll: normalizeTags(query.tagsAll) } : {}),
    ...(query.tagsAny !== undefined ? { tagsAny: normalizeTags(query.tagsAny) } : {}),
    ...(query.tagsNone !== undefined ? { tagsNone: normalizeTags(query.tagsNone) } : {}),
    ...(subtype === "*" ? { mediaFamily: family } : {}),
    ...(subtype && subtype !== "*" ? { mediaType: `${family}/${subtype}` } : {}),
    ...(query.owner !== undefined ? { ownerId: query.owner } : {}),
    ...(query.visibility !== undefined ? { visibility: query.visibility } : {}),
    ...(query.minSize !== undefined ? { minSize: query.minSize } : {}),
    ...(query.maxSize !== undefined ? { maxSize: query.maxSize } : {}),
    ...(query.createdFrom !== undefined ? { createdFrom: query.createdFrom } : {}),
    ...(query.createdTo !== undefined ? { createdTo: query.createdTo } : {}),
    ...(query.fetchedFrom !== undefined ? { fetchedFrom: query.fetchedFrom } : {}),
    ...(query.fetchedTo !== undefined ? { fetchedTo: query.fetchedTo } : {}),
    ...(query.sha256 !== undefined ? { sha256: query.sha256 } : {}),
    ...(query.sourceUrl !== undefined ? { sourceUrl: new URL(query.sourceUrl).href } : {}),
    ...(query.sourceUrlPrefix !== undefined ? { sourceUrlPrefix: query.sourceUrlPrefix } : {}),
    ...(query.sourceHost !== undefined ? { sourceHost: query.sourceHost.toLowerCase() } : {}),
    ...(query.jobId !== undefined ? { jobId: query.jobId } : {}),
    ...(query.runId !== undefined ? { runId: query.runId } : {}),
    ...(query.httpStatus !== undefined ? { httpStatus: query.httpStatus } : {}),
    ...(query.metadata !== undefined ? { metadata: validateMetadata(query.metadata) } : {}),
  };
  return filter;
};

interface CursorBody {
  v: 1;
  /** Sort, order and a fingerprint of the filter: a cursor only continues the search it came from. */
  s: SortKey;
  o: SortOrder;
  f: string;
  k: string;
  i: string;
}

const fingerprintOf = (filter: SearchFilter): string =>
  createHash("sha256").update(JSON.stringify(filter)).digest("base64url").slice(0, 16);

const encodeCursor = (body: CursorBody): string => Buffer.from(JSON.stringify(body)).toString("base64url");

const badCursor = () =>
  invalid("invalid_cursor", "The cursor is not one this search handed out; repeat the search without it.");

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const BIGINT_MAX = 9_223_372_036_854_775_807n;

/**
 * Whether a cursor's sort value is one the catalogue could have handed out, so it casts cleanly
 * in the keyset query: a cursor is base64 anyone can edit (the fingerprint only ties it to its
 * filter), and "1" as a timestamp or 20 digits as a bigint would be a database error, not a 400.
 */
const sortValueIsValid = (sort: SortKey, value: string): boolean => {
  if (sort === "createdAt") {
    // Date.parse rolls 2026-02-31 over into March and takes year 0; the database refuses both, so
    // the round trip and the year decide.
    const at = Date.parse(value);
    return (
      CURSOR_TIME.test(value) &&
      !value.startsWith("0000") &&
      !Number.isNaN(at) &&
      new Date(at).toISOString().slice(0, 19) === value.slice(0, 19)
    );
  }
  if (sort === "size") return /^\d{1,19}$/.test(value) && BigInt(value) <= BIGINT_MAX;
  return value.length <= 1024 && unstorableTextAt(value) === null;
};

const decodeCursor = (cursor: string, expected: Omit<CursorBody, "k" | "i" | "v">): SearchPosition => {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<CursorBody>;
  } catch {
    throw badCursor();
  }
  if (
    body?.v !== 1 ||
    body.s !== expected.s ||
    body.o !== expected.o ||
    body.f !== expected.f ||
    typeof body.k !== "string" ||
    typeof body.i !== "string" ||
    !ID_PATTERN.test(body.i)
  ) {
    if (body?.v === 1 && (body.s !== expected.s || body.o !== expected.o || body.f !== expected.f)) {
      throw invalid("cursor_mismatch", "The cursor belongs to a search with other filters or another sort.");
    }
    throw badCursor();
  }
  if (!sortValueIsValid(body.s, body.k)) throw badCursor();
  return { value: body.k, id: body.i };
};

/** Finding artifacts: only ever what the caller may see, a page at a time. */
export class ArtifactSearch {
  constructor(
    private readonly records: Pick<SearchRecords, "search">,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async search(principal: Principal, query: SearchCriteria): Promise<ArtifactPage> {
    const viewer = viewerOf(principal);
    const filter = filterOf(query, viewer);
    const sort = query.sort ?? "createdAt";
    const order = query.order ?? (sort === "filename" ? "asc" : "desc");
    const fingerprint = fingerprintOf(filter);
    const after = query.cursor
      ? decodeCursor(query.cursor, { s: sort, o: order, f: fingerprint })
      : undefined;
    const result = await this.records.search({
      filter,
      viewer,
      sort,
      order,
      ...(after ? { after } : {}),
      limit: query.limit ?? SEARCH_DEFAULT_LIMIT,
      count: query.count,
      now: this.now(),
    });
    return {
      artifacts: result.artifacts,
      nextCursor: result.next
        ? encodeCursor({ v: 1, s: sort, o: order, f: fingerprint, k: result.next.value, i: result.next.id })
        : null,
      ...(result.total !== undefined ? { total: result.total } : {}),
    };
  }
}
