import {
  BatchUploader,
  type UploadManyItem,
  type UploadManyOptions,
  type UploadManyResult,
} from "./batch-upload";
import type {
  ApiKeyView,
  ArtifactHistory,
  ArtifactView,
  AuditExportResult,
  AuditPage,
  AuditQuery,
  AuditVerifyReport,
  BackupList,
  BackupReport,
  CreatedWebhook,
  CreateWebhookInput,
  DownloadLink,
  ExpiryRunView,
  GrantView,
  Identity,
  IntegrityReport,
  IntegrityRunView,
  ReindexReport,
  RestoreReport,
  RestoreRequest,
  SearchPage,
  SearchQuery,
  UpdateArtifactInput,
  UploadStatus,
  WebhookDeliveryView,
  WebhookView,
} from "./contract";
import { ArtifactStoreError } from "./errors";
import { type ApiTransport, createTransport, retryTransportFailures, type TokenProvider } from "./http";
import { DEFAULT_RETRY, type RetryPolicy, retryPolicy } from "./retry";
import { isNode } from "./sha256";
import type { UploadSource } from "./sources";
import { DEFAULT_STALL_TIMEOUT_MS } from "./stall";
import { Uploader, type UploadOptions, type WaitOptions, waitUntilVerified } from "./upload";

export interface ClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8787 */
  baseUrl: string;
  /** A bearer token, or a function returning a fresh one for each call. */
  token?: TokenProvider;
  /** Default: the global fetch. Part bodies reach a fetch of your own as bytes or Blobs (see `streamBodies`). */
  fetch?: typeof fetch;
  /**
   * Hand part bodies to fetch as streams, so each piece fetch takes counts as progress against
   * `stallTimeoutMs`. Default: on Node with its own fetch. Set it for a `fetch` of your own that
   * passes ReadableStream bodies (with `duplex: "half"`) on to Node's.
   */
  streamBodies?: boolean;
  /**
   * Give a request up when nothing moved for this long: no byte of its body sent, no answer, no
   * byte of the answer received. It is then retried when that is safe (part PUTs, downloads, and
   * API calls that repeat harmlessly), else fails with a StalledRequestError. Default 30 s.
   *
   * Where fetch cannot show how far a body got (browsers, bodies not streamed), the wait for the
   * answer to a part gets extra time for its size, at 32 KiB/s.
   */
  stallTimeoutMs?: number;
  /** Retries of requests that stalled or lost their connection; an upload's own `retry` wins for its parts. */
  retry?: Partial<RetryPolicy>;
}

const path = (id: string) => encodeURIComponent(id);

type ListFilter = "tags" | "tagsAny" | "tagsNone" | "state";
type TimeFilter = "createdFrom" | "createdTo" | "fetchedFrom" | "fetchedTo";
type NumberFilter = "minSize" | "maxSize" | "httpStatus" | "limit";

/** The search query with arrays, dates, numbers and a metadata object where the URL takes strings. */
export type SearchOptions = Omit<
  SearchQuery,
  ListFilter | TimeFilter | NumberFilter | "metadata" | "count"
> & {
  [K in ListFilter]?: string[];
} & { [K in TimeFilter]?: Date | string } & { [K in NumberFilter]?: number } & {
  metadata?: Record<string, unknown>;
  count?: boolean;
};

export class ArtifactStoreClient {
  private readonly transport: ApiTransport;
  private readonly uploader: Uploader;

  constructor(options: ClientOptions) {
    const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    if (!(stallTimeoutMs > 0))
      throw new RangeError("stallTimeoutMs must be a positive number of milliseconds.");
    this.transport = createTransport(
      options.baseUrl,
      options.token,
      options.fetch ?? globalThis.fetch.bind(globalThis),
      {
        stallTimeoutMs,
        streamBodies: options.streamBodies ?? (isNode && options.fetch === undefined),
        // Browsers show a body's progress only to XHR; a fetch of the caller's is used as given.
        xhrBodies: !isNode && options.fetch === undefined && typeof XMLHttpRequest === "function",
      },
      retryPolicy(DEFAULT_RETRY, options.retry),
    );
    this.uploader = new Uploader(this.transport);
    this.batchUploader = new BatchUploader(this.transport, (source, options) =>
      this.uploader.upload(source, options),
    );
  }

  private readonly batchUploader: BatchUploader;

  /**
   * Uploads many sources, each with its own options, and answers each one's artifact or error in
   * their order. Small ones (under 8 MiB) go 100 at a time through one open and one complete call,
   * at most `maxHeldBytes` of them in memory; larger ones upload as upload() would. The same
   * content twice is uploaded once (unless `dedupe: false`).
   */
  uploadMany(
    items: readonly (UploadManyItem | UploadSource)[],
    options?: UploadManyOptions,
  ): Promise<UploadManyResult[]> {
    const asItems = items.map((item) =>
      typeof item === "object" && item !== null && "source" in item ? item : { source: item },
    );
    return this.batchUploader.uploadMany(asItems, options);
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

  /**
   * One page of the artifacts the caller may see. List filters (tags, tagsAny, tagsNone, state)
   * take arrays; metadata takes an object; pass `nextCursor` back as `cursor` for the next page.
   * `searchAll` walks every page for you.
   */
  search(query: SearchOptions = {}): Promise<SearchPage> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) params.set(name, value.join(","));
      else if (value instanceof Date) params.set(name, value.toISOString());
      else if (typeof value === "object") params.set(name, JSON.stringify(value));
      else params.set(name, String(value));
    }
    const text = params.toString();
    return this.transport.request("GET", `/v1/artifacts${text ? `?${text}` : ""}`);
  }

  /**
   * Every artifact the query matches, page after page (`limit` is the page size), each page
   * fetched when the one before is used up: `for await (const artifact of store.searchAll(query))`.
   * Breaking out of the loop fetches no further page.
   */
  async *searchAll(query: Omit<SearchOptions, "cursor" | "count"> = {}): AsyncGenerator<ArtifactView, void> {
    for await (const page of this.searchPages(query)) yield* page.artifacts;
  }

  /** The pages of a search, each with its `artifacts`, from `cursor` (or the first) to the last. */
  async *searchPages(query: SearchOptions = {}): AsyncGenerator<SearchPage, void> {
    for (let cursor = query.cursor; ; ) {
      const page = await this.search({ ...query, ...(cursor ? { cursor } : {}) });
      yield page;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /**
   * Waits until the artifact is verified (its stored bytes checked against its SHA-256) and
   * resolves with it; fails with an ArtifactCorruptError when they do not match, and with a
   * VerificationTimeoutError after `timeoutMs` (10 minutes by default).
   */
  waitUntilVerified(artifactId: string, options: WaitOptions = {}): Promise<ArtifactView> {
    return waitUntilVerified(this.transport, artifactId, options);
  }

  get(artifactId: string): Promise<ArtifactView> {
    return this.transport.request("GET", `/v1/artifacts/${path(artifactId)}`);
  }

  /** A short-lived presigned URL for the artifact's bytes. */
  downloadUrl(artifactId: string): Promise<DownloadLink> {
    return this.transport.request("GET", `/v1/artifacts/${path(artifactId)}/download?redirect=false`);
  }

  /**
   * The artifact's bytes as a streaming Response, fetched from storage through a presigned URL.
   * A request that stalls before the answer is sent again; reading a body that stalls fails with
   * a StalledRequestError.
   */
  async download(artifactId: string): Promise<Response> {
    const { url } = await this.downloadUrl(artifactId);
    const response = await retryTransportFailures(this.transport.retry, () =>
      this.transport.fetch(url, {}, `GET artifact ${artifactId}`),
    );
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

  setVisibility(artifactId: string, visibility: "private" | "public"): Promise<ArtifactView> {
    return this.transport.request("PATCH", `/v1/artifacts/${path(artifactId)}`, { visibility });
  }

  /**
   * Changes visibility, metadata (replaced whole) and tags (`{ add, remove, replace }`) as one new
   * version. With `ifMatch` (the `version` you read), fails with 412 precondition_failed when
   * someone changed the artifact since.
   */
  update(
    artifactId: string,
    change: UpdateArtifactInput,
    options: { ifMatch?: number | "*" } = {},
  ): Promise<ArtifactView> {
    const { ifMatch } = options;
    const headers: Record<string, string> =
      ifMatch === undefined ? {} : { "if-match": ifMatch === "*" ? "*" : `"${ifMatch}"` };
    return this.transport.request("PATCH", `/v1/artifacts/${path(artifactId)}`, change, headers);
  }

  /** Every version of the artifact's metadata, tags and visibility, newest (current) first. */
  history(artifactId: string): Promise<ArtifactHistory> {
    return this.transport.request("GET", `/v1/artifacts/${path(artifactId)}/history`);
  }

  /** Shares a private artifact with a user, optionally until a time. */
  grant(artifactId: string, grantee: string, expiresAt?: Date): Promise<GrantView> {
    return this.transport.request("PUT", `/v1/artifacts/${path(artifactId)}/grants/${path(grantee)}`, {
      ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
    });
  }

  revokeGrant(artifactId: string, grantee: string): Promise<void> {
    return this.transport.request("DELETE", `/v1/artifacts/${path(artifactId)}/grants/${path(grantee)}`);
  }

  async listGrants(artifactId: string): Promise<GrantView[]> {
    return (
      await this.transport.request<{ grants: GrantView[] }>("GET", `/v1/artifacts/${path(artifactId)}/grants`)
    ).grants;
  }

  /** Admin: a new API key; `key` is shown only in this answer. */
  createApiKey(request: {
    subject: string;
    name: string;
    scopes: string[];
    expiresAt?: Date;
  }): Promise<ApiKeyView & { key: string }> {
    return this.transport.request("POST", "/v1/api-keys", {
      ...request,
      ...(request.expiresAt ? { expiresAt: request.expiresAt.toISOString() } : {}),
    });
  }

  /** Who the API takes this client's credential to be (a 401 when it takes it for no one). */
  me(): Promise<Identity> {
    return this.transport.request("GET", "/v1/me");
  }

  async listApiKeys(): Promise<ApiKeyView[]> {
    return (await this.transport.request<{ apiKeys: ApiKeyView[] }>("GET", "/v1/api-keys")).apiKeys;
  }

  revokeApiKey(keyId: string): Promise<void> {
    return this.transport.request("DELETE", `/v1/api-keys/${path(keyId)}`);
  }

  /**
   * Subscribes a URL to events (`artifact.available`, `artifact.verified`, `artifact.corrupt`,
   * `artifact.deleted`, `upload.expired`), optionally filtered by tags, content type or job id.
   * The answer carries the signing `secret` (whsec_...), shown only this once: verify deliveries
   * with it (Standard Webhooks).
   */
  createWebhook(subscription: CreateWebhookInput): Promise<CreatedWebhook> {
    return this.transport.request("POST", "/v1/webhooks", subscription);
  }

  /** The caller's subscriptions (an admin's: everyone's, or `createdBy`'s), with state and pausedReason. */
  async listWebhooks(filter: { createdBy?: string } = {}): Promise<WebhookView[]> {
    const query = filter.createdBy ? `?${new URLSearchParams({ createdBy: filter.createdBy })}` : "";
    return (await this.transport.request<{ webhooks: WebhookView[] }>("GET", `/v1/webhooks${query}`))
      .webhooks;
  }

  /** Deletes a subscription; what it had queued is not sent. */
  deleteWebhook(webhookId: string): Promise<void> {
    return this.transport.request("DELETE", `/v1/webhooks/${path(webhookId)}`);
  }

  /** Lifts a pause; what was queued meanwhile goes out in order. */
  resumeWebhook(webhookId: string): Promise<WebhookView> {
    return this.transport.request(
      "POST",
      `/v1/webhooks/${path(webhookId)}/resume`,
      undefined,
      {},
      {
        idempotent: true,
      },
    );
  }

  /** A subscription's deliveries, newest first, each with its attempts. */
  async listWebhookDeliveries(
    webhookId: string,
    options: { limit?: number } = {},
  ): Promise<WebhookDeliveryView[]> {
    const query = options.limit === undefined ? "" : `?limit=${options.limit}`;
    return (
      await this.transport.request<{ deliveries: WebhookDeliveryView[] }>(
        "GET",
        `/v1/webhooks/${path(webhookId)}/deliveries${query}`,
      )
    ).deliveries;
  }

  /** Queues one delivery again, due now, under the same `webhook-id` (receivers drop repeats by it). */
  redeliverWebhook(deliveryId: string): Promise<WebhookDeliveryView> {
    return this.transport.request("POST", `/v1/webhooks/deliveries/${path(deliveryId)}/redeliver`);
  }

  /**
   * Admin: one page of audit events, newest first. `actor` is as recorded (`user:alice`,
   * `api-key:<id>`), `action` an operation id (`createUpload`, `putGrant`); `nextCursor` pages on.
   */
  queryAudit(filter: AuditQuery = {}): Promise<AuditPage> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
    return this.transport.request("GET", `/v1/audit${query ? `?${query}` : ""}`);
  }

  verifyAudit(): Promise<AuditVerifyReport> {
    return this.transport.request("GET", "/v1/audit/verify");
  }

  /** Admin: rebuild the catalogue's artifact records from the sidecars in the bucket. */
  reindex(): Promise<ReindexReport> {
    return this.transport.request("POST", "/v1/admin/reindex");
  }

  /** Admin: re-verify the least recently verified artifacts now, within the run's byte budget. */
  scrub(): Promise<IntegrityRunView> {
    return this.transport.request("POST", "/v1/admin/integrity/scrub");
  }

  /** Admin: compare catalogue and bucket now, and abort upload sessions left open past their expiry. */
  reconcile(): Promise<IntegrityRunView> {
    return this.transport.request("POST", "/v1/admin/integrity/reconcile");
  }

  /** Admin: the latest scrub and reconcile reports, newest first. */
  integrityReport(options: { kind?: "scrub" | "reconcile"; limit?: number } = {}): Promise<IntegrityReport> {
    const query = new URLSearchParams(
      Object.entries(options).map(([key, value]) => [key, String(value)]),
    ).toString();
    return this.transport.request("GET", `/v1/admin/integrity${query ? `?${query}` : ""}`);
  }

  exportAudit(): Promise<AuditExportResult> {
    return this.transport.request("POST", "/v1/audit/export");
  }

  /** Admin: take a snapshot now (new content copied server-side), then apply retention. */
  backupNow(): Promise<BackupReport> {
    return this.transport.request("POST", "/v1/admin/backups");
  }

  /** Admin: the snapshots in the backup bucket, newest first. */
  listBackups(): Promise<BackupList> {
    return this.transport.request("GET", "/v1/admin/backups");
  }

  /** Admin: restore a snapshot, all of it or a selection; `dryRun` lists what would change. */
  restoreBackup(snapshotId: string, request: RestoreRequest = {}): Promise<RestoreReport> {
    return this.transport.request("POST", `/v1/admin/backups/${path(snapshotId)}/restore`, request);
  }

  /** Admin: delete artifacts past their expiry now (those under legal hold are kept). */
  expireArtifacts(): Promise<ExpiryRunView> {
    return this.transport.request("POST", "/v1/admin/lifecycle/expire");
  }
}
