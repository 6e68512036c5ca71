import { ArtifactStoreError } from "./errors";

export type TokenProvider = string | (() => string | Promise<string>);

export interface ApiTransport {
  request<T>(method: string, path: string, body?: unknown, extraHeaders?: Record<string, string>): Promise<T>;
  fetch: typeof fetch;
}

export const createTransport = (
  baseUrl: string,
  token: TokenProvider | undefined,
  fetchImpl: typeof fetch,
): ApiTransport => {
  const root = baseUrl.replace(/\/+$/, "");
  return {
    fetch: fetchImpl,
    async request<T>(
      method: string,
      path: string,
      body?: unknown,
      extraHeaders: Record<string, string> = {},
    ): Promise<T> {
      const headers: Record<string, string> = { ...extraHeaders, accept: "application/json" };
      const bearer = typeof token === "function" ? await token() : token;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (body !== undefined) headers["content-type"] = "application/json";
      const response = await fetchImpl(`${root}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        redirect: "manual",
      });
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      const parsed = text ? (JSON.parse(text) as unknown) : undefined;
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
        throw new ArtifactStoreError(
          response.status,
          error?.code ?? "http_error",
          error?.message ?? `HTTP ${response.status}`,
          error?.requestId ?? response.headers.get("x-request-id") ?? undefined,
          error?.details,
        );
      }
      return parsed as T;
    },
  };
};
