import { S3Client } from "@aws-sdk/client-s3";

/**
 * The bucket policy the store applies at start: `deny-anonymous` refuses every unsigned request;
 * `none` leaves the bucket's policy as the operator set it (the private ACL is applied either way).
 */
export type BucketPolicy = "deny-anonymous" | "none";

export interface StorageConfig {
  /** Unset for AWS S3; any S3-compatible server otherwise (MinIO, Ceph RGW, Garage...). */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  /** Path-style addressing (`host/bucket/key`): what MinIO and most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Browser origins allowed to upload and download straight to and from the bucket (CORS). */
  browserOrigins: readonly string[];
  /**
   * Also sign each part's x-amz-checksum-sha256 into its URL, for servers that verify it (AWS S3,
   * recent MinIO). Off by default: Content-MD5 is checked everywhere, this header is not.
   */
  checksumSha256?: boolean;
  /** Unset: deny-anonymous. */
  bucketPolicy?: BucketPolicy;
}

export const createS3Client = (config: StorageConfig): S3Client =>
  new S3Client({
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    forcePathStyle: config.forcePathStyle,
    // The SDK's default CRC32 trailers and presigned checksum parameters are not understood by
    // every S3-compatible server (Ceph RGW answers 411); ask for checksums only when required.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 15_000 },
  });
