import { AsyncLocalStorage } from "node:async_hooks";

/** What the store records about how an artifact was fetched (the SDK's upload provenance). */
export interface CrawlProvenance {
  sourceUrl?: string;
  finalUrl?: string;
  httpStatus?: number;
  fetchedAt?: Date | string;
  userAgent?: string;
  headers?: Record<string, string>;
}

const current = new AsyncLocalStorage<CrawlProvenance>();

/** The provenance of the request being handled, if the handler runs inside one. */
export const currentProvenance = (): CrawlProvenance | undefined => current.getStore();

/** Runs `work` so that every record and dataset item it writes carries `provenance`. */
export const runWithProvenance = <T>(provenance: CrawlProvenance, work: () => T): T =>
  current.run(provenance, work);

// Headers that identify a session rather than describe the page.
const PRIVATE_HEADERS = new Set(["set-cookie", "cookie", "authorization", "proxy-authorization"]);
const MAX_HEADERS = 50;
const MAX_HEADER_VALUE = 4096;

type HeaderBag = Record<string, string | string[] | number | undefined>;

/** Cheerio and HTTP crawlers hand an IncomingMessage; Playwright and Puppeteer a Response. */
interface ResponseLike {
  statusCode?: number;
  status?: number | (() => number);
  headers?: HeaderBag | (() => HeaderBag);
  url?: string | (() => string);
}

interface CrawlingContextLike {
  request: { url: string; loadedUrl?: string; headers?: Record<string, string> };
  response?: ResponseLike | null;
}

const statusOf = (response: ResponseLike | null | undefined): number | undefined => {
  const status = response?.statusCode ?? response?.status;
  const value = typeof status === "function" ? status.call(response) : status;
  return typeof value === "number" && value >= 100 && value <= 599 ? value : undefined;
};

const headersOf = (response: ResponseLike | null | undefined): Record<string, string> | undefined => {
  const raw = typeof response?.headers === "function" ? response.headers.call(response) : response?.headers;
  if (!raw || typeof raw !== "object") return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const lower = name.toLowerCase();
    if (value === undefined || PRIVATE_HEADERS.has(lower) || lower.length > 128) continue;
    headers[lower] = (Array.isArray(value) ? value.join(", ") : String(value)).slice(0, MAX_HEADER_VALUE);
    if (Object.keys(headers).length === MAX_HEADERS) break;
  }
  return headers;
};

const httpUrl = (url: string | undefined): string | undefined =>
  url && /^https?:\/\//i.test(url) ? url : undefined;

/** What a crawling context tells about the fetch it handles. */
export const provenanceOf = (context: CrawlingContextLike, fetchedAt = new Date()): CrawlProvenance => {
  const { request, response } = context;
  const userAgent = request.headers?.["user-agent"] ?? request.headers?.["User-Agent"];
  const provenance: CrawlProvenance = { fetchedAt };
  const sourceUrl = httpUrl(request.url);
  const finalUrl = httpUrl(request.loadedUrl);
  const httpStatus = statusOf(response);
  const headers = headersOf(response);
  if (sourceUrl) provenance.sourceUrl = sourceUrl;
  if (finalUrl) provenance.finalUrl = finalUrl;
  if (httpStatus) provenance.httpStatus = httpStatus;
  if (headers) provenance.headers = headers;
  if (userAgent) provenance.userAgent = userAgent;
  return provenance;
};

/**
 * Wraps a Crawlee request handler so that what it stores (`KeyValueStore.setValue`, `pushData`)
 * carries the request's URL, final URL, status, headers and fetch time. Crawlee passes the request
 * to the handler but not to storage clients; the handler's async context is where both meet.
 */
export const withRequestProvenance =
  <Context extends CrawlingContextLike, Result>(handler: (context: Context) => Result) =>
  (context: Context): Result =>
    runWithProvenance(provenanceOf(context), () => handler(context));
