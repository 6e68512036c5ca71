import type { Artifact, UploadSession } from "@artifact-store/core";
import { isExpired } from "@artifact-store/core";
import type { ArtifactView, UploadStatus } from "./schemas";

export const artifactView = (artifact: Artifact): ArtifactView => ({
  id: artifact.id,
  ownerId: artifact.ownerId,
  filename: artifact.filename,
  contentType: artifact.contentType,
  size: artifact.size,
  sha256: artifact.sha256,
  metadata: artifact.metadata,
  tags: artifact.tags,
  visibility: artifact.visibility,
  state: artifact.state,
  createdAt: artifact.createdAt.toISOString(),
  updatedAt: artifact.updatedAt.toISOString(),
  uploadedAt: artifact.uploadedAt?.toISOString() ?? null,
});

export const uploadStateView = (upload: UploadSession, now: Date): UploadStatus["state"] =>
  isExpired(upload, now) ? "expired" : upload.state;
