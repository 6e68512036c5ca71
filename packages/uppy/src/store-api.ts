import type {
  ArtifactView,
  SignedParts,
  UploadCreated,
  UploadDeduplicated,
  UploadStatus,
} from "@artifact-store/client";
import { withRetries } from "./retry";
import { StoreApiError } from "./store-api-error";

export { StoreApiError };

/** A bearer token, or a function that answers a fresh one (called before each API call). */
export type TokenProvider = string | (() => string | Promise<string>);

export interface StoreConnection {
  /** The API's base URL, e.g. `https://api.example.com`. */
  endpoint: string;
  token: TokenProvider;
}

export interface PartChecksum {
  partNumber: number;
  md5: string;
  sha256?: string;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** GET /v1/uploads/plan's answer, as far as this package reads it. */
export interface UploadPlan {
  size: number;
  mode: "single" | "multipart";
  partSize: number;
  partCount: number;
  preferredPartSize: number;
  minPartSize: number;
  maxPartSize: number;
  maxParts: number;
}

const parseJson = (text: string): unknown => {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
};

/** The few upload calls of the store's JSON API that Uppy's hooks map onto. */
export class StoreApi {
  readonly root: string;

  /** `wait` pauses between tries (tests pass one that does not). */
  constructor(
    private readonly connection: StoreConnection,
    private readonly wait?: (ms: number) => Promise<void>,
  ) {
    this.root = connection.endpoint.replace(/\/+$/, "");
  }

  async authorization(): Promise<Record<string, string>> {
    const { token } = this.connection;
    return { authorization: `Bearer ${typeof token === "function" ? await token() : token}` };
  }

  /** The plan POST /v1/uploads would make for this size, and the limits of any plan. */
  plan(size: number): Promise<UploadPlan> {
    return withRetries(() => this.call("GET", `/v1/uploads/plan?size=${size}`), this.wait);
  }

  /** Opens an upload: multipart in Uppy's own `partSize`, or one PUT (`multipart: false`). */
  createUpload(
    body: { filename: string; contentType: string; size: number } & (
      | { partSize: number }
      | { multipart: false }
    ),
  ): Promise<UploadCreated | UploadDeduplicated> {
    return withRetries(() => this.call("POST", "/v1/uploads", { ...body, dedupe: false }), this.wait);
  }

  signParts(uploadId: string, parts: PartChecksum[]): Promise<SignedParts> {
    const path = `/v1/uploads/${encodeURIComponent(uploadId)}/parts`;
    return withRetries(() => this.call("POST", path, { parts }), this.wait);
  }

  status(uploadId: string): Promise<UploadStatus> {
    return withRetries(() => this.call("GET", `/v1/uploads/${encodeURIComponent(uploadId)}`), this.wait);
  }

  /** With `parts` (as Uppy saw them), the store completes only if storage holds exactly those. */
  complete(uploadId: string, sha256: string, parts?: CompletedPart[]): Promise<ArtifactView> {
    const path = `/v1/uploads/${encodeURIComponent(uploadId)}/complete`;
    return withRetries(() => this.call("POST", path, { sha256, ...(parts ? { parts } : {}) }), this.wait);
  }

  abort(uploadId: string): Promise<void> {
    return this.call("DELETE", `/v1/uploads/${encodeURIComponent(uploadId)}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", ...(await this.authorization()) };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.root}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (response.status === 204) return undefined as T;
    const parsed = parseJson(await response.text());
    if (!response.ok) {
      // A gateway's HTML 502 has no store error in it: the status and its text still say what happened.
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new StoreApiError(
        response.status,
        error?.code ?? "http_error",
        `${method} ${path}: ${response.status} ${error?.message ?? response.statusText}`,
      );
    }
    if (parsed === undefined)
      throw new StoreApiError(
        response.status,
        "invalid_response",
        `${method} ${path}: no JSON in the answer`,
      );
    return parsed as T;
  }
}
