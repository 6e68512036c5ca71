import type { UploadSession } from "@artifact-store/core";
import { isExpired } from "@artifact-store/core";
import type { UploadStatus } from "./schemas";

export const uploadStateView = (upload: UploadSession, now: Date): UploadStatus["state"] =>
  isExpired(upload, now) ? "expired" : upload.state;
