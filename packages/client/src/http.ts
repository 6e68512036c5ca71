import { ArtifactStoreError, apiError, StalledRequestError } from "./errors";
import { backoffDelay, isRetryableStatus, type RetryPolicy, sleep } from "./retry";
import { fetchWithStallTimeout, type StallOptions, type WatchedInit } from "./stall";

export type TokenProvider = string | (() => string | Promise<string>);

export interface RequestOptions {
  /**
   * Safe to send again when it stalled or lost its connection (GET, HEAD, PUT and DELETE are).
   * A POST says so here when repeating it has the effect of sending it once.
   */
  idempotent?: boolean;
}

export interface ApiTransport {
  request<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders?: Record<string, string>,
    options?: RequestOptions,
  ): Promise<T>;
  /**
   * A storage request (presigned URL), given up when it stalls; `request` names it in errors.
   * `onSent` hears how many bytes of the body fetch has taken so far, where that can be seen.
   */
  fetch(
    url: string,
    init: WatchedInit,
    request: string,
    signal?: AbortSignal,
    onSent?: (bytes: number) => void,
  ): Promise<Response>;
  /** Retries for what stalled or lost its connection, unless a call says otherwise. */
  readonly retry: RetryPolicy;
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE"]);

/**
 * A request that failed without the server saying why: it stalled, or its connection was refused
 * or cut (fetch and body reads report those as a TypeError).
 */
export const isTransportFailure = (error: unknown): boolean =>
  error instanceof StalledRequestError || error instanceof TypeError;

/**
 * What a call safe to repeat is sent again after: no answer at all, or one that says the server
 * (or the gateway before it: a function that crashed answers 502) failed or wants it slower.
 */
const isWorthRepeating = (error: unknown): boolean =>
  isTransportFailure(error) || (error instanceof ArtifactStoreError && isRetryableStatus(error.status));

/** Runs `attempt` again, with backoff, while its failure `isWorth` repeating; the last one is thrown. */
const retryWhile = async <T>(
  isWorth: (error: unknown) => boolean,
  retry: RetryPolicy,
  attempt: () => Promise<T>,
): Promise<T> => {
  for (let tried = 0; ; tried += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= retry.retries || !isWorth(error)) throw error;
      await sleep(backoffDelay(retry, tried));
    }
  }
};

/** Runs `attempt` again, with backoff, while it fails without an answer. */
export const retryTransportFailures = <T>(retry: RetryPolicy, attempt: () => Promise<T>): Promise<T> =>
  retryWhile(isTransportFailure, retry, attempt);

export const createTransport = (
  baseUrl: string,
  token: TokenProvider | undefined,
  fetchImpl: typeof fetch,
  stall: StallOptions,
  retry: RetryPolicy,
): ApiTransport => {
  const root = baseUrl.replace(/\/+$/, "");
  const send = (
    url: string,
    init: WatchedInit,
    request: string,
    signal?: AbortSignal,
    onSent?: (bytes: number) => void,
  ) => fetchWithStallTimeout(fetchImpl, url, init, { ...stall, request, signal, onSent });

  const once = async <T>(
    method: string,
    path: string,
    body: unknown,
    extraHeaders: Record<string, string>,
  ): Promise<T> => {
    const headers: Record<string, string> = { ...extraHeaders, accept: "application/json" };
    const bearer = typeof token === "function" ? await token() : token;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await send(
      `${root}${path}`,
      {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: "manual",
      },
      `${method} ${path.split("?")[0]}`,
    );
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch (error) {
      // An error page of a gateway or proxy before the API is no JSON; its status still says enough.
      if (response.ok) throw error;
    }
    if (!response.ok) {
      const error = (
        parsed as {
          error?: {
            code?: string;
            message?: string;
            requestId?: string;
            details?: Record<string, unknown>;
          };
        }
      )?.error;
      const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
      throw apiError(
        response.status,
        error?.code ?? "http_error",
        error?.message ?? `HTTP ${response.status}`,
        error?.requestId ?? response.headers.get("x-request-id") ?? undefined,
        Number.isFinite(retryAfter) && error?.details?.retryAfterSeconds === undefined
          ? { ...error?.details, retryAfterSeconds: retryAfter }
          : error?.details,
      );
    }
    return parsed as T;
  };

  return {
    retry,
    fetch: send,
    async request<T>(
      method: string,
      path: string,
      body?: unknown,
      extraHeaders: Record<string, string> = {},
      options: RequestOptions = {},
    ): Promise<T> {
      const call = () => once<T>(method, path, body, extraHeaders);
      const repeatable = options.idempotent ?? IDEMPOTENT_METHODS.has(method);
      return repeatable ? retryWhile(isWorthRepeating, retry, call) : call();
    },
  };
};
