import type {
  ApiKeyRecord,
  Artifact,
  ArtifactVersion,
  Grant,
  Provenance,
  UploadSession,
} from "@artifact-store/core";
import { isExpired } from "@artifact-store/core";
import type {
  ApiKeyView,
  ArtifactHistory,
  ArtifactView,
  GrantView,
  ProvenanceView,
  UploadStatus,
} from "./schemas";

export const provenanceView = (provenance: Provenance | null): ProvenanceView | null =>
  provenance && {
    ...provenance,
    fetchedAt: provenance.fetchedAt?.toISOString() ?? null,
  };

export const artifactView = (artifact: Artifact): ArtifactView => ({
  id: artifact.id,
  ownerId: artifact.ownerId,
  filename: artifact.filename,
  contentType: artifact.contentType,
  size: artifact.size,
  sha256: artifact.sha256,
  metadata: artifact.metadata,
  tags: artifact.tags,
  provenance: provenanceView(artifact.provenance),
  visibility: artifact.visibility,
  state: artifact.state,
  version: artifact.version,
  createdAt: artifact.createdAt.toISOString(),
  updatedAt: artifact.updatedAt.toISOString(),
  uploadedAt: artifact.uploadedAt?.toISOString() ?? null,
});

/** The current version first, then the states changes replaced, newest first. */
export const historyView = (artifact: Artifact, previous: readonly ArtifactVersion[]): ArtifactHistory => ({
  artifactId: artifact.id,
  versions: [
    { ...artifact, replacedBy: null, replacedAt: null },
    ...previous.map((version) => ({ ...version, replacedAt: version.replacedAt.toISOString() })),
  ].map(({ version, metadata, tags, visibility, replacedBy, replacedAt }) => ({
    version,
    metadata,
    tags,
    visibility,
    replacedBy,
    replacedAt,
  })),
});

export const uploadStateView = (upload: UploadSession, now: Date): UploadStatus["state"] =>
  isExpired(upload, now) ? "expired" : upload.state;

export const grantView = (grant: Grant): GrantView => ({
  artifactId: grant.artifactId,
  grantee: grant.grantee,
  grantedBy: grant.grantedBy,
  createdAt: grant.createdAt.toISOString(),
  expiresAt: grant.expiresAt?.toISOString() ?? null,
});

/** Never the secret hash: what a key is, not what proves it. */
export const apiKeyView = (record: ApiKeyRecord): ApiKeyView => ({
  id: record.id,
  subject: record.subject,
  name: record.name,
  scopes: record.scopes,
  createdBy: record.createdBy,
  createdAt: record.createdAt.toISOString(),
  expiresAt: record.expiresAt?.toISOString() ?? null,
  revokedAt: record.revokedAt?.toISOString() ?? null,
  lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
});
