/**
 * A part's checksums as the uploader declared them, base64 as the S3 headers carry them:
 * Content-MD5 (every S3 server checks it) and x-amz-checksum-sha256 (only where storage verifies it).
 */
export interface PartChecksum {
  partNumber: number;
  md5: string;
  sha256?: string | undefined;
}

/** Canonical base64 of 16 bytes: 21 characters, one that ends on 2 bits of padding, then "==". */
export const MD5_BASE64 = /^[A-Za-z0-9+/]{21}[AQgw]==$/;
/** Canonical base64 of 32 bytes: 42 characters, one that ends on 4 bits of padding, then "=". */
export const SHA256_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
