import type { UploadLimits } from "@artifact-store/core";

export interface ServiceSettings {
  limits: UploadLimits;
  /** Part and PUT URLs: long enough to send one part on a slow link, short enough to leak little. */
  uploadUrlTtlSeconds: number;
  /** Download URLs are handed out per request, so they can be short. */
  downloadUrlTtlSeconds: number;
  /** An upload not completed by then is expired: it can no longer be signed or completed. */
  uploadTtlSeconds: number;
  /**
   * Part and PUT URLs are signed only with the part's checksum (Content-MD5), so storage itself
   * refuses bytes that differ from what the uploader hashed; a request without one is refused.
   */
  requirePartChecksums: boolean;
}
