import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
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
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createS3Client, type StorageConfig } from "./client";
import { isNotFound, storageUnavailable } from "./errors";

export interface StoredPart {
  partNumber: number;
  size: number;
  etag: string;
}

export interface StoredObject {
  size: number;
  etag: string;
  contentType: string | undefined;
}

export interface KeyPage {
  keys: string[];
  /** Pass back to get the next page; undefined on the last. */
  next: string | undefined;
}

export interface DownloadOptions {
  expiresInSeconds: number;
  contentDisposition: string;
  contentType: string;
}

/** A bucket of S3-compatible storage, as the artifact store uses it. */
export class ObjectStorage {
  readonly bucket: string;
  private readonly s3: S3Client;

  constructor(config: StorageConfig, s3: S3Client = createS3Client(config)) {
    this.bucket = config.bucket;
    this.s3 = s3;
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error, "NotFound", "NoSuchBucket")) throw storageUnavailable("HeadBucket", error);
      try {
        await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (createError) {
        // Another process may have created it between our two calls.
        if ((createError as { name?: string }).name !== "BucketAlreadyOwnedByYou") {
          throw storageUnavailable("CreateBucket", createError);
        }
      }
    }
  }

  /**
   * Keeps the bucket closed to anonymous callers whatever was set on it before: a private ACL,
   * and a policy that denies every anonymous request. Every read goes through a presigned URL.
   */
  async denyAnonymousAccess(): Promise<void> {
    await this.call("PutBucketAcl", () =>
      this.s3.send(new PutBucketAclCommand({ Bucket: this.bucket, ACL: "private" })),
    );
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
    await this.call("PutBucketPolicy", () =>
      this.s3.send(new PutBucketPolicyCommand({ Bucket: this.bucket, Policy: JSON.stringify(policy) })),
    );
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

  async startMultipartUpload(key: string, contentType: string): Promise<string> {
    const answer = await this.call("CreateMultipartUpload", () =>
      this.s3.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
      ),
    );
    if (!answer.UploadId)
      throw storageUnavailable("CreateMultipartUpload", new Error("no UploadId returned"));
    return answer.UploadId;
  }

  presignPart(key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.s3,
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
      { expiresIn: expiresInSeconds },
    );
  }

  /** The Content-Type is signed: the uploader must send exactly this header. */
  presignPut(key: string, contentType: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.s3,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
      {
        expiresIn: expiresInSeconds,
        signableHeaders: new Set(["content-type"]),
      },
    );
  }

  presignDownload(key: string, options: DownloadOptions): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: options.contentDisposition,
        ResponseContentType: options.contentType,
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
        throw storageUnavailable("ListParts", error);
      }
      for (const part of page.Parts ?? []) {
        parts.push({ partNumber: part.PartNumber ?? 0, size: part.Size ?? 0, etag: part.ETag ?? "" });
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
          MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
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
        throw storageUnavailable("AbortMultipartUpload", error);
    }
  }

  async headObject(key: string): Promise<StoredObject | null> {
    try {
      const answer = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: answer.ContentLength ?? 0, etag: answer.ETag ?? "", contentType: answer.ContentType };
    } catch (error) {
      if (isNotFound(error, "NotFound", "NoSuchKey")) return null;
      throw storageUnavailable("HeadObject", error);
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
    return {
      keys: (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])),
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
      throw storageUnavailable("PutObjectTagging", error);
    }
  }

  /** An object's body as text; null when there is no such object. */
  async getText(key: string): Promise<string | null> {
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await answer.Body?.transformToString("utf-8")) ?? "";
    } catch (error) {
      if (isNotFound(error, "NoSuchKey", "NotFound")) return null;
      throw storageUnavailable("GetObject", error);
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

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw storageUnavailable(operation, error);
    }
  }
}
