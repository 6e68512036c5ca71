import type {
  ArtifactView,
  SignedParts,
  UploadCreated,
  UploadDeduplicated,
  UploadStatus,
} from "@artifact-store/client";

/** A bearer token, or a function that answers a fresh one (called before each API call). */
export type TokenProvider = string | (() => string | Promise<string>);

export interface StoreConnection {
  /** The API's base URL, e.g. `https://api.example.com`. */
  endpoint: string;
  token: TokenProvider;
}

/** An error the API answered: its status and the store's error code (`part_checksum_required`, ...). */
export class StoreApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "StoreApiError";
  }
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

/** The few upload calls of the store's JSON API that Uppy's hooks map onto. */
export class StoreApi {
  readonly root: string;

  constructor(private readonly connection: StoreConnection) {
    this.root = connection.endpoint.replace(/\/+$/, "");
  }

  async authorization(): Promise<Record<string, string>> {
    const { token } = this.connection;
    return { authorization: `Bearer ${typeof token === "function" ? await token() : token}` };
  }

  createUpload(body: {
    filename: string;
    contentType: string;
    size: number;
  }): Promise<UploadCreated | UploadDeduplicated> {
    return this.call("POST", "/v1/uploads", { ...body, dedupe: false });
  }

  signParts(uploadId: string, parts: PartChecksum[]): Promise<SignedParts> {
    return this.call("POST", `/v1/uploads/${encodeURIComponent(uploadId)}/parts`, { parts });
  }

  status(uploadId: string): Promise<UploadStatus> {
    return this.call("GET", `/v1/uploads/${encodeURIComponent(uploadId)}`);
  }

  /** With `parts` (as Uppy saw them), the store completes only if storage holds exactly those. */
  complete(uploadId: string, sha256: string, parts?: CompletedPart[]): Promise<ArtifactView> {
    return this.call("POST", `/v1/uploads/${encodeURIComponent(uploadId)}/complete`, {
      sha256,
      ...(parts ? { parts } : {}),
    });
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
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new StoreApiError(
        response.status,
        error?.code ?? "http_error",
        `${method} ${path}: ${response.status} ${error?.message ?? response.statusText}`,
      );
    }
    return parsed as T;
  }
}
