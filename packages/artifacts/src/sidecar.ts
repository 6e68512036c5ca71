import { type ArtifactView, artifactView } from "@artifact-store/api";
import { type Artifact, artifactSidecarKey } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";

export interface Sidecar {
  schemaVersion: 1;
  objectKey: string;
  artifact: ArtifactView;
  deletedAt?: string;
}

/** The durable copy of an artifact's record in the bucket, so the catalogue can be rebuilt from storage. */
export const writeSidecar = (storage: ObjectStorage, artifact: Artifact, deletedAt?: Date): Promise<void> => {
  const sidecar: Sidecar = {
    schemaVersion: 1,
    objectKey: artifact.objectKey,
    artifact: artifactView(artifact),
    ...(deletedAt ? { deletedAt: deletedAt.toISOString() } : {}),
  };
  return storage.putJson(artifactSidecarKey(artifact.id), sidecar);
};
