import { Readable } from "node:stream";
import { messageOf } from "@artifact-store/core";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  type ListPartsCommandOutput,
  PutBucketAclCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { formatUrl } from "@aws-sdk/core/util";
import { getSignedUrl, S3RequestPresigner } from "@aws-sdk/s3-request-presigner";
import { HttpRequest } from "@smithy/core/protocols";
import { LACKING, PROBE_BYTES, probeCapabilities, probeKey, type StorageCapabilities } from "./capabilities";
import { createS3Client, type StorageConfig } from "./client";
import { isAccessDenied, isNotFound, storageSite, storageUnavailable } from "./errors";
import { logStorageWarning, type StorageWarning } from "./warnings";

export interface StoredPart {
  partNumber: number;
  size: number;
  etag: string;
  /** Only where parts carry x-amz-checksum-sha256: completion must repeat it. */
  checksumSha256?: string | undefined;
}

/** A part's checksums, base64: signed into its URL so storage refuses other bytes. */
export interface UploadChecksum {
  md5: string;
  sha256?: string | undefined;
}

/** A presigned URL and the headers the uploader must send with it, exactly (they are signed). */
export interface SignedUpload {
  url: string;
  headers: Record<string, string>;
}

export type ChecksumAlgorithm = "md5" | "sha256";

export interface PresignUploadOptions {
  /** The body's exact length in bytes, signed into the URL (clients send it as Content-Length). */
  size: number;
  ttlSeconds: number;
  checksum?: UploadChecksum | undefined;
}

/** One part to sign: its exact size, and the checksums its URL will demand when given. */
export interface PartToPresign {
  partNumber: number;
  size: number;
  checksum?: UploadChecksum | undefined;
}

/** A request as the SDK serialized it, unsigned, and the region and service to sign it for. */
interface UnsignedRequest {
  request: HttpRequest;
  signingRegion: string | undefined;
  signingService: string | undefined;
}

/**
 * The headers an object is stored with: what a server that ignores a download URL's overrides
 * serves it with, so they must be safe on their own (see storedObjectHeaders in core).
 */
export interface ObjectHeaders {
  contentType: string;
  contentDisposition: string;
}

export interface StoredObject {
  size: number;
  etag: string;
  contentType: string | undefined;
  contentDisposition: string | undefined;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date | null;
}

export interface KeyPage {
  keys: string[];
  /** The same objects as `keys`, with their sizes and times. */
  objects: ListedObject[];
  /** Pass back to get the next page; undefined on the last. */
  next: string | undefined;
}

// Kept as headers, never hoisted into the query: storage checks a header against the body, and
// the signature then binds the uploader to sending it.
const CHECKSUM_HEADERS = new Set(["x-amz-checksum-sha256"]);

// Signed, so a body of another length fails the signature check; not returned among the headers
// to send, since every HTTP client (and a browser, which forbids setting it) sends it itself.
const SIZE_HEADER = new Set(["content-length"]);

export interface DownloadOptions {
  expiresInSeconds: number;
  contentDisposition: string;
  contentType: string;
  /** Cache-Control storage answers with (a response override, like the two above). */
  cacheControl?: string;
}

/** An object being read: its stored length and ETag, and its bytes as they arrive. */
export interface ObjectStream {
  size: number;
  etag: string;
  body: Readable;
}

/** CopyObject copies at most 5 GiB; larger objects are copied in parts of this size. */
const COPY_OBJECT_MAX = 5 * 1024 ** 3;
const COPY_PART_SIZE = 512 * 1024 ** 2;
/** How long a failed capability probe stands before the next call probes again. */
export const PROBE_RETRY_AFTER_MS = 30_000;

/** A bucket of S3-compatible storage, as the artifact store uses it. */
export class ObjectStorage {
  readonly bucket: string;
  /** The checksums storage verifies on each part and PUT, when they are signed into its URL. */
  readonly checksumAlgorithms: readonly ChecksumAlgorithm[];
  private readonly s3: S3Client;
  private readonly config: StorageConfig;
  private readonly warn: StorageWarning;
  private probing: Promise<StorageCapabilities> | undefined;
  private probeFailedAt: number | undefined;
  /** Kept for the process: SigV4's signing key (per day, region and service) is cached inside it. */
  private partPresigner: S3RequestPresigner | undefined;

  constructor(
    config: StorageConfig,
    s3: S3Client = createS3Client(config),
    warn: StorageWarning = logStorageWarning,
  ) {
    this.config = config;
    this.bucket = config.bucket;
    this.checksumAlgorithms = config.checksumSha256 ? ["md5", "sha256"] : ["md5"];
    this.s3 = s3;
    this.warn = warn;
  }

  /**
   * Readies the bucket for use: it exists, is closed to anonymous callers (a private ACL, and the
   * S3_BUCKET_POLICY), and (when origins are given) lets those browser origins upload straight to
   * it. Each step is safe to repeat.
   */
  async prepareBucket(browserOrigins: readonly string[] = []): Promise<void> {
    await this.ensureBucket();
    await this.call("PutBucketAcl", () =>
      this.s3.send(new PutBucketAclCommand({ Bucket: this.bucket, ACL: "private" })),
    );
    if ((this.config.bucketPolicy ?? "deny-anonymous") === "deny-anonymous") await this.denyAnonymousAccess();
    if (browserOrigins.length > 0) await this.allowBrowserOrigins(browserOrigins);
  }

  /**
   * What this server enforces and honours, probed on first use and kept for the life of the
   * process. What it lacks is logged once. A probe that failed is answered as failed for
   * PROBE_RETRY_AFTER_MS, then tried again: an unauthenticated /health polled during an outage
   * would otherwise send storage five requests per call.
   */
  capabilities(): Promise<StorageCapabilities> {
    if (
      this.probing &&
      this.probeFailedAt !== undefined &&
      Date.now() - this.probeFailedAt >= PROBE_RETRY_AFTER_MS
    ) {
      this.probing = undefined;
      this.probeFailedAt = undefined;
    }
    this.probing ??= probeCapabilities(this).then(
      (found) => {
        const lacking = (Object.keys(LACKING) as (keyof StorageCapabilities)[]).filter(
          (name) => !found[name],
        );
        if (lacking.length > 0) {
          this.warn("storage_capabilities_lacking", {
            endpoint: storageSite(this.config),
            capabilities: found,
            message: `The S3 server at ${storageSite(this.config)} ${lacking.map((name) => LACKING[name]).join("; it ")}.`,
          });
        }
        return found;
      },
      (error: unknown) => {
        this.probeFailedAt = Date.now();
        throw error;
      },
    );
    return this.probing;
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error, "NotFound", "NoSuchBucket"))
        throw storageUnavailable("HeadBucket", error, this.config);
      try {
        await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (createError) {
        // Another process may have created it between our two calls.
        if ((createError as { name?: string }).name !== "BucketAlreadyOwnedByYou") {
          throw storageUnavailable("CreateBucket", createError, this.config);
        }
      }
    }
  }

  /**
   * Keeps the bucket closed to anonymous callers whatever was set on it before: a policy that
   * denies every anonymous request (every read goes through a presigned URL). A server that
   * applies the Deny to signed requests too (moto's: it does not evaluate aws:PrincipalType) would
   * lock the store out of its own bucket; then the policy is removed again, loudly, and the
   * private ACL alone keeps anonymous callers out.
   */
  async denyAnonymousAccess(): Promise<void> {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyAnonymous",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`arn:aws:s3:::${this.bucket}`, `arn:aws:s3:::${this.bucket}/*`],
          Condition: { StringEquals: { "aws:PrincipalType": "Anonymous" } },
        },
      ],
    };
    const putPolicy = () =>
      this.call("PutBucketPolicy", () =>
        this.s3.send(new PutBucketPolicyCommand({ Bucket: this.bucket, Policy: JSON.stringify(policy) })),
      );
    await putPolicy();
    const refused = await this.ownAccessRefusal();
    if (refused) {
      await this.call("DeleteBucketPolicy", () =>
        this.s3.send(new DeleteBucketPolicyCommand({ Bucket: this.bucket })),
      );
      // Still refused without the policy: the cause is elsewhere (the key's own rights), so the
      // policy goes back on and the error says what was refused.
      const still = await this.ownAccessRefusal();
      if (still) {
        await putPolicy();
        throw storageUnavailable(still.operation, still.error, this.config);
      }
      const site = storageSite(this.config);
      this.warn("bucket_policy_rolled_back", {
        setting: "S3_BUCKET_POLICY",
        endpoint: site,
        bucket: this.bucket,
        cause: messageOf(storageUnavailable(refused.operation, refused.error, this.config)),
        message: `S3_BUCKET_POLICY=deny-anonymous locked the store out of bucket ${this.bucket} at ${site}, so the bucket policy was removed again: the private ACL alone keeps anonymous callers out. This server applies the policy's Deny to signed requests too (it does not evaluate aws:PrincipalType); set S3_BUCKET_POLICY=none to apply no policy (and silence this warning).`,
      });
    }
  }

  /**
   * Writes, reads back and deletes a small object with the store's own key: the first step storage
   * refused (403), or null. Any other failure throws, so a passing outage never removes a policy.
   */
  private async ownAccessRefusal(): Promise<{ operation: string; error: unknown } | null> {
    const key = probeKey();
    const steps: [string, () => Promise<unknown>][] = [
      [
        "PutObject",
        () => this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: PROBE_BYTES })),
      ],
      [
        "GetObject",
        async () =>
          (
            await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
          ).Body?.transformToByteArray(),
      ],
      ["DeleteObject", () => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))],
    ];
    for (const [operation, run] of steps) {
      try {
        await run();
      } catch (error) {
        if (!isAccessDenied(error)) throw storageUnavailable(operation, error, this.config);
        return { operation, error };
      }
    }
    return null;
  }

  /**
   * Lets browsers on these origins PUT parts and GET downloads straight to and from the bucket,
   * and read the ETag header of each part they send.
   */
  async allowBrowserOrigins(origins: readonly string[]): Promise<void> {
    await this.call("PutBucketCors", () =>
      this.s3.send(
        new PutBucketCorsCommand({
          Bucket: this.bucket,
          CORSConfiguration: {
            CORSRules: [
              {
                AllowedOrigins: [...origins],
                AllowedMethods: ["GET", "HEAD", "PUT"],
                AllowedHeaders: ["*"],
                ExposeHeaders: ["ETag"],
                MaxAgeSeconds: 3600,
              },
            ],
          },
        }),
      ),
    );
  }

  /** A cheap authenticated round trip, for health checks. */
  async ping(): Promise<void> {
    await this.call("HeadBucket", () => this.s3.send(new HeadBucketCommand({ Bucket: this.bucket })));
  }

  /** Opens a multipart upload; the object it makes is stored with these headers. */
  async startMultipartUpload(key: string, headers: ObjectHeaders): Promise<string> {
    const answer = await this.call("CreateMultipartUpload", () =>
      this.s3.send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          ContentType: headers.contentType,
          ContentDisposition: headers.contentDisposition,
          ...(this.signsSha256 ? { ChecksumAlgorithm: "SHA256" as const } : {}),
        }),
      ),
    );
    if (!answer.UploadId)
      throw storageUnavailable("CreateMultipartUpload", new Error("no UploadId returned"), this.config);
    return answer.UploadId;
  }

  /**
   * The URL of one part of a multipart upload. Its exact size is signed in, so storage refuses a
   * longer or shorter body (403) and keeps nothing; with a checksum, storage refuses a part whose
   * bytes do not match it (400 BadDigest).
   */
  async presignPart(
    key: string,
    uploadId: string,
    partNumber: number,
    { size, ttlSeconds, checksum }: PresignUploadOptions,
  ): Promise<SignedUpload> {
    const headers = this.checksumHeaders(checksum);
    const url = await getSignedUrl(
      this.s3,
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        ContentLength: size,
        ContentMD5: headers["content-md5"],
        ChecksumSHA256: headers["x-amz-checksum-sha256"],
      }),
      { expiresIn: ttlSeconds, signableHeaders: SIZE_HEADER, unhoistableHeaders: CHECKSUM_HEADERS },
    );
    return { url, headers };
  }

  /**
   * The URLs of many parts of one multipart upload, each exactly as presignPart signs it. The SDK
   * builds the request once (endpoint, path, query); each part then only changes its number, size
   * and checksums and is signed by one presigner kept for the process, instead of a new presigner,
   * endpoint resolution and signing key per URL.
   */
  async presignParts(
    key: string,
    uploadId: string,
    parts: readonly PartToPresign[],
    ttlSeconds: number,
  ): Promise<SignedUpload[]> {
    if (parts.length === 0) return [];
    const template = await this.unsignedRequest(
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: 1 }),
    );
    this.partPresigner ??= new S3RequestPresigner({ ...this.s3.config });
    const presigner = this.partPresigner;
    return Promise.all(
      parts.map(async ({ partNumber, size, checksum }) => {
        const headers = this.checksumHeaders(checksum);
        const request = HttpRequest.clone(template.request);
        request.query = { ...request.query, partNumber: String(partNumber) };
        request.headers = { ...request.headers, "content-length": String(size), ...headers };
        const presigned = await presigner.presign(request, {
          expiresIn: ttlSeconds,
          signableHeaders: new Set(SIZE_HEADER),
          unhoistableHeaders: new Set(CHECKSUM_HEADERS),
          signingRegion: template.signingRegion,
          signingService: template.signingService,
        });
        return { url: formatUrl(presigned), headers };
      }),
    );
  }

  /**
   * A command serialized through the client's middleware as getSignedUrl does it, stopped before
   * signing: the headers getSignedUrl leaves out of a presigned URL are left out here too.
   */
  private async unsignedRequest(command: UploadPartCommand): Promise<UnsignedRequest> {
    let captured: UnsignedRequest | undefined;
    const stack = this.s3.middlewareStack.clone();
    stack.addRelativeTo(
      (_next: unknown, context: Record<string, unknown>) => async (args: { request: unknown }) => {
        if (!HttpRequest.isInstance(args.request)) throw new Error("not an HTTP request");
        const request = HttpRequest.clone(args.request);
        delete request.headers["amz-sdk-invocation-id"];
        delete request.headers["amz-sdk-request"];
        delete request.headers["x-amz-user-agent"];
        // Where getSignedUrl takes them from: the context, else the endpoint's auth scheme.
        const endpoint = context.endpointV2 as
          | { properties?: { authSchemes?: { signingRegion?: string; signingName?: string }[] } }
          | undefined;
        const scheme = endpoint?.properties?.authSchemes?.[0];
        captured = {
          request,
          signingRegion: (context.signing_region as string | undefined) ?? scheme?.signingRegion,
          signingService: (context.signing_service as string | undefined) ?? scheme?.signingName,
        };
        return { response: {}, output: { $metadata: {} } };
      },
      {
        name: "captureUnsignedRequest",
        relation: "before",
        toMiddleware: "awsAuthMiddleware",
        override: true,
      },
    );
    await command.resolveMiddleware(stack as never, this.s3.config, {})({ input: command.input });
    if (!captured) throw new Error("the SDK built no request to sign");
    return captured;
  }

  /**
   * The URL of a single-PUT upload. The Content-Type, Content-Disposition and exact size are
   * signed, and the checksums when given: the uploader must send exactly these headers and this
   * many bytes, so the object is stored with the headers chosen here.
   */
  async presignPut(
    key: string,
    stored: ObjectHeaders,
    { size, ttlSeconds, checksum }: PresignUploadOptions,
  ): Promise<SignedUpload> {
    const headers: Record<string, string> = {
      "content-type": stored.contentType,
      "content-disposition": stored.contentDisposition,
      ...this.checksumHeaders(checksum),
    };
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: stored.contentType,
        ContentDisposition: stored.contentDisposition,
        ContentLength: size,
        ContentMD5: headers["content-md5"],
        ChecksumSHA256: headers["x-amz-checksum-sha256"],
      }),
      {
        expiresIn: ttlSeconds,
        signableHeaders: new Set(["content-type", "content-disposition", ...SIZE_HEADER]),
        unhoistableHeaders: CHECKSUM_HEADERS,
      },
    );
    return { url, headers };
  }

  presignDownload(key: string, options: DownloadOptions): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: options.contentDisposition,
        ResponseContentType: options.contentType,
        ...(options.cacheControl ? { ResponseCacheControl: options.cacheControl } : {}),
      }),
      { expiresIn: options.expiresInSeconds },
    );
  }

  /** Every part storage holds for an open upload; null when the upload no longer exists. */
  async listParts(key: string, uploadId: string): Promise<StoredPart[] | null> {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    do {
      let page: ListPartsCommandOutput;
      try {
        page = await this.s3.send(
          new ListPartsCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumberMarker: marker,
          }),
        );
      } catch (error) {
        // Ceph RGW answers NoSuchKey (404) for an aborted upload, AWS and MinIO NoSuchUpload.
        if (isNotFound(error, "NoSuchUpload", "NoSuchKey")) return null;
        throw storageUnavailable("ListParts", error, this.config);
      }
      for (const part of page.Parts ?? []) {
        parts.push({
          partNumber: part.PartNumber ?? 0,
          size: part.Size ?? 0,
          etag: part.ETag ?? "",
          ...(part.ChecksumSHA256 ? { checksumSha256: part.ChecksumSHA256 } : {}),
        });
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly StoredPart[],
  ): Promise<string> {
    const answer = await this.call("CompleteMultipartUpload", () =>
      this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((part) => ({
              PartNumber: part.partNumber,
              ETag: part.etag,
              ...(part.checksumSha256 ? { ChecksumSHA256: part.checksumSha256 } : {}),
            })),
          },
        }),
      ),
    );
    return answer.ETag ?? "";
  }

  /** Aborting an upload storage no longer knows is a success: the goal, no parts kept, holds. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      if (!isNotFound(error, "NoSuchUpload", "NoSuchKey"))
        throw storageUnavailable("AbortMultipartUpload", error, this.config);
    }
  }

  async headObject(key: string): Promise<StoredObject | null> {
    try {
      const answer = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: answer.ContentLength ?? 0,
        etag: answer.ETag ?? "",
        contentType: answer.ContentType,
        contentDisposition: answer.ContentDisposition,
      };
    } catch (error) {
      if (isNotFound(error, "NotFound", "NoSuchKey")) return null;
      throw storageUnavailable("HeadObject", error, this.config);
    }
  }

  /** The same storage and credentials, another bucket (backups live in one of their own). */
  otherBucket(bucket: string): ObjectStorage {
    return new ObjectStorage({ ...this.config, bucket }, this.s3, this.warn);
  }

  /**
   * Copies an object from another bucket of the same storage into this one, server-side: no
   * bytes pass through this process. Objects over 5 GiB (CopyObject's limit) go part by part.
   * Returns the copy's ETag.
   */
  async copyFrom(source: ObjectStorage, sourceKey: string, key: string, size: number): Promise<string> {
    const copySource = `${source.bucket}/${encodeURIComponent(sourceKey).replaceAll("%2F", "/")}`;
    if (size <= COPY_OBJECT_MAX) {
      const answer = await this.call("CopyObject", () =>
        this.s3.send(new CopyObjectCommand({ Bucket: this.bucket, Key: key, CopySource: copySource })),
      );
      return answer.CopyObjectResult?.ETag ?? "";
    }
    // CopyObject keeps the source's headers; a copy in parts must carry them over itself.
    const held = await source.headObject(sourceKey);
    const uploadId = await this.startMultipartUpload(key, {
      contentType: held?.contentType ?? "application/octet-stream",
      contentDisposition: held?.contentDisposition ?? "attachment",
    });
    try {
      const parts: StoredPart[] = [];
      for (let start = 0, partNumber = 1; start < size; start += COPY_PART_SIZE, partNumber += 1) {
        const end = Math.min(start + COPY_PART_SIZE, size) - 1;
        const answer = await this.call("UploadPartCopy", () =>
          this.s3.send(
            new UploadPartCopyCommand({
              Bucket: this.bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: partNumber,
              CopySource: copySource,
              CopySourceRange: `bytes=${start}-${end}`,
            }),
          ),
        );
        parts.push({ partNumber, size: end - start + 1, etag: answer.CopyPartResult?.ETag ?? "" });
      }
      return await this.completeMultipartUpload(key, uploadId, parts);
    } catch (error) {
      await this.abortMultipartUpload(key, uploadId);
      throw error;
    }
  }

  async putBytes(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.call("PutObject", () =>
      this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
      ),
    );
  }

  /** An object's bytes, whole (small objects only); null when there is no such object. */
  async getBytes(key: string): Promise<Uint8Array | null> {
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (isNotFound(error, "NoSuchKey", "NotFound")) return null;
      throw storageUnavailable("GetObject", error, this.config);
    }
  }

  async deleteObject(key: string): Promise<void> {
    await this.call("DeleteObject", () =>
      this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }

  /** One page (up to 1000) of the keys under a prefix, in key order. */
  async listKeys(prefix: string, continuationToken?: string): Promise<KeyPage> {
    const page = await this.call("ListObjectsV2", () =>
      this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(continuationToken ? { ContinuationToken: continuationToken } : {}),
        }),
      ),
    );
    const objects = (page.Contents ?? []).flatMap((object) =>
      object.Key
        ? [{ key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? null }]
        : [],
    );
    return {
      keys: objects.map((object) => object.key),
      objects,
      next: page.IsTruncated ? page.NextContinuationToken : undefined,
    };
  }

  /**
   * Replaces an object's tags (S3 allows 10). Returns false when there is no such object, so a
   * caller racing a delete need not fail.
   */
  async setObjectTags(key: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    try {
      await this.s3.send(
        new PutObjectTaggingCommand({
          Bucket: this.bucket,
          Key: key,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error, "NoSuchKey", "NotFound")) return false;
      throw storageUnavailable("PutObjectTagging", error, this.config);
    }
  }

  /**
   * An object's bytes as a stream, read from storage by this process (verification); null when
   * there is no such object. The caller must consume or destroy the body.
   */
  async readObject(key: string): Promise<ObjectStream | null> {
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: answer.ContentLength ?? 0,
        etag: answer.ETag ?? "",
        body: (answer.Body ?? Readable.from([])) as Readable,
      };
    } catch (error) {
      if (isNotFound(error, "NoSuchKey", "NotFound")) return null;
      throw storageUnavailable("GetObject", error, this.config);
    }
  }

  /** An object's body as text; null when there is no such object. */
  async getText(key: string): Promise<string | null> {
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await answer.Body?.transformToString("utf-8")) ?? "";
    } catch (error) {
      if (isNotFound(error, "NoSuchKey", "NotFound")) return null;
      throw storageUnavailable("GetObject", error, this.config);
    }
  }

  putJson(key: string, value: unknown): Promise<void> {
    return this.putText(key, JSON.stringify(value, null, 2), "application/json");
  }

  async putText(key: string, body: string, contentType: string): Promise<void> {
    await this.call("PutObject", () =>
      this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
      ),
    );
  }

  private get signsSha256(): boolean {
    return this.checksumAlgorithms.includes("sha256");
  }

  /** The checksum headers to sign; x-amz-checksum-sha256 only where storage is configured to check it. */
  private checksumHeaders(checksum: UploadChecksum | undefined): Record<string, string> {
    if (!checksum) return {};
    return {
      "content-md5": checksum.md5,
      ...(this.signsSha256 && checksum.sha256 ? { "x-amz-checksum-sha256": checksum.sha256 } : {}),
    };
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw storageUnavailable(operation, error, this.config);
    }
  }
}
