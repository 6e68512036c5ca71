import type { ArtifactView, DownloadLink, UploadStatus } from "@artifact-store/api";
import { ArtifactStoreError } from "./errors";
import { type ApiTransport, createTransport, type TokenProvider } from "./http";
import type { UploadSource } from "./sources";
import { Uploader, type UploadOptions } from "./upload";

export interface ClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8787 */
  baseUrl: string;
  /** A bearer token, or a function returning a fresh one for each call. */
  token?: TokenProvider;
  fetch?: typeof fetch;
}

const path = (id: string) => encodeURIComponent(id);

export class ArtifactStoreClient {
  private readonly transport: ApiTransport;
  private readonly uploader: Uploader;

  constructor(options: ClientOptions) {
    this.transport = createTransport(
      options.baseUrl,
      options.token,
      options.fetch ?? globalThis.fetch.bind(globalThis),
    );
    this.uploader = new Uploader(this.transport);
  }

  /** Uploads a file path, bytes, Blob/File or stream straight to storage; resolves to the recorded artifact. */
  upload(source: UploadSource, options?: UploadOptions): Promise<ArtifactView> {
    return this.uploader.upload(source, options);
  }

  getUpload(uploadId: string): Promise<UploadStatus> {
    return this.transport.request("GET", `/v1/uploads/${path(uploadId)}`);
  }

  abortUpload(uploadId: string): Promise<void> {
    return this.transport.request("DELETE", `/v1/uploads/${path(uploadId)}`);
  }

  get(artifactId: string): Promise<ArtifactView> {
    return this.transport.request("GET", `/v1/artifacts/${path(artifactId)}`);
  }

  /** A short-lived presigned URL for the artifact's bytes. */
  downloadUrl(artifactId: string): Promise<DownloadLink> {
    return this.transport.request("GET", `/v1/artifacts/${path(artifactId)}/download?redirect=false`);
  }

  /** The artifact's bytes as a streaming Response, fetched from storage through a presigned URL. */
  async download(artifactId: string): Promise<Response> {
    const { url } = await this.downloadUrl(artifactId);
    const response = await this.transport.fetch(url);
    if (!response.ok) {
      throw new ArtifactStoreError(
        response.status,
        "download_failed",
        `Storage answered HTTP ${response.status}.`,
        undefined,
      );
    }
    return response;
  }

  delete(artifactId: string): Promise<void> {
    return this.transport.request("DELETE", `/v1/artifacts/${path(artifactId)}`);
  }
}
