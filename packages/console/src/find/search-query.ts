// The search as it sits in the URL: the API's own query parameters (strings), so a shared link is
// the same search, and the form, the URL and the request never disagree.
import type { SearchOptions } from "@artifact-store/client";
import { parseBytes, splitList } from "../ui/format";

/** The parameters the form edits, in the API's names. */
export const SEARCH_FIELDS = [
  "q",
  "tags",
  "tagsAny",
  "tagsNone",
  "contentType",
  "visibility",
  "sourceHost",
  "jobId",
  "runId",
  "createdFrom",
  "createdTo",
  "minSize",
  "maxSize",
  "metadata",
  "sort",
  "order",
] as const;

export type SearchField = (typeof SEARCH_FIELDS)[number];
export type SearchForm = Record<SearchField, string>;

export const formOf = (params: URLSearchParams): SearchForm =>
  Object.fromEntries(SEARCH_FIELDS.map((field) => [field, params.get(field) ?? ""])) as SearchForm;

export const paramsOf = (form: SearchForm): URLSearchParams => {
  const params = new URLSearchParams();
  for (const field of SEARCH_FIELDS) {
    const value = form[field].trim();
    if (value) params.set(field, value);
  }
  return params;
};

/** Quick filters: the content type families people look for most. */
export const CONTENT_FAMILIES = [
  { label: "Images", contentType: "image/*" },
  { label: "HTML", contentType: "text/html" },
  { label: "PDF", contentType: "application/pdf" },
  { label: "JSON", contentType: "application/json" },
  { label: "Text", contentType: "text/*" },
] as const;

/** A date from the form (local day) as the start of that day, or the start of the day after. */
const dayBoundary = (day: string, after: boolean): Date => {
  const start = new Date(`${day}T00:00:00`);
  if (after) start.setDate(start.getDate() + 1);
  return start;
};

/**
 * The SDK's query for a form, or the first thing in the form that is not a valid value (said as
 * a person would fix it).
 */
export const queryOf = (form: SearchForm): { query: SearchOptions } | { invalid: string } => {
  const query: SearchOptions = {};
  if (form.q.trim()) query.q = form.q.trim();
  for (const field of ["tags", "tagsAny", "tagsNone"] as const) {
    const list = splitList(form[field]);
    if (list.length > 0) query[field] = list;
  }
  for (const field of ["contentType", "sourceHost", "jobId", "runId"] as const) {
    if (form[field].trim()) query[field] = form[field].trim();
  }
  if (form.visibility === "private" || form.visibility === "public") query.visibility = form.visibility;
  if (form.createdFrom) query.createdFrom = dayBoundary(form.createdFrom, false);
  if (form.createdTo) query.createdTo = dayBoundary(form.createdTo, true);
  for (const field of ["minSize", "maxSize"] as const) {
    if (!form[field].trim()) continue;
    const bytes = parseBytes(form[field]);
    if (bytes === null)
      return { invalid: `"${form[field]}" is not a size: write it as 500 KiB, 10 MiB or 2 GiB.` };
    query[field] = bytes;
  }
  if (form.metadata.trim()) {
    try {
      const metadata = JSON.parse(form.metadata) as unknown;
      if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) throw new Error();
      query.metadata = metadata as Record<string, unknown>;
    } catch {
      return { invalid: 'Metadata must be a JSON object, such as {"lang": "en"}.' };
    }
  }
  if (form.sort === "filename" || form.sort === "size" || form.sort === "createdAt") query.sort = form.sort;
  if (form.order === "asc" || form.order === "desc") query.order = form.order;
  return { query };
};
