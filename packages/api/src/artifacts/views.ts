import type { Artifact, ArtifactVersion, Integrity, Principal, Provenance } from "@artifact-store/core";
import { isAdmin, isOwner } from "@artifact-store/core";
import type { ArtifactHistory, ArtifactView, IntegrityView, ProvenanceView } from "./schemas";

export const provenanceView = (provenance: Provenance | null): ProvenanceView | null =>
  provenance && {
    ...provenance,
    fetchedAt: provenance.fetchedAt?.toISOString() ?? null,
  };

export const integrityView = (integrity: Integrity | null | undefined): IntegrityView => ({
  state: !integrity ? "unverified" : integrity.reason ? "corrupt" : "verified",
  reason: integrity?.reason ?? null,
  details: integrity?.details ?? {},
  checkedAt: integrity?.checkedAt.toISOString() ?? null,
  verifiedAt: integrity?.verifiedAt?.toISOString() ?? null,
  sniffedType: integrity?.sniffedType ?? null,
  contentTypeMismatch: integrity?.contentTypeMismatch ?? false,
  sha256Source: integrity?.sha256Source ?? null,
});

/** The whole record, integrity included: for the owner and admins. */
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
  integrity: integrityView(artifact.integrity),
  // Absent for a record made in memory without them (the catalogue always reads both).
  ...(artifact.expiresAt === undefined ? {} : { expiresAt: artifact.expiresAt?.toISOString() ?? null }),
  ...(artifact.legalHold === undefined
    ? {}
    : {
        legalHold: artifact.legalHold && {
          setBy: artifact.legalHold.setBy,
          setAt: artifact.legalHold.setAt.toISOString(),
          reason: artifact.legalHold.reason,
        },
      }),
});

/**
 * What a caller sees of an artifact: readers who neither own it nor administer get no integrity
 * report and no legal hold (its reason may be confidential).
 */
export const artifactViewFor = (principal: Principal, artifact: Artifact): ArtifactView => {
  const { integrity, legalHold, ...view } = artifactView(artifact);
  return isOwner(principal, artifact) || isAdmin(principal) ? { ...view, integrity, legalHold } : view;
};

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
