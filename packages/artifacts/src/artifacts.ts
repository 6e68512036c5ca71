import type { DownloadLink } from "@artifact-store/api";
import type { Catalog } from "@artifact-store/catalog";
import {
  type Artifact,
  attachmentDisposition,
  canDeleteArtifact,
  canReadArtifact,
  conflict,
  notFound,
  type Principal,
  SERVABLE_STATES,
} from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import type { ServiceSettings } from "./settings";
import { writeSidecar } from "./sidecar";

/** Reading, downloading and deleting recorded artifacts. */
export class Artifacts {
  constructor(
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    private readonly settings: ServiceSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(principal: Principal, artifactId: string): Promise<Artifact> {
    const artifact = await this.catalog.findArtifact(artifactId);
    if (!artifact || !canReadArtifact(principal, artifact)) throw notFound("artifact", artifactId);
    return artifact;
  }

  /** A short-lived presigned GET that names the original file; bytes never pass through us. */
  async downloadLink(principal: Principal, artifactId: string): Promise<DownloadLink> {
    const artifact = await this.get(principal, artifactId);
    if (!SERVABLE_STATES.includes(artifact.state)) {
      throw conflict(
        "artifact_not_available",
        `This artifact is ${artifact.state}; its bytes cannot be served.`,
        {
          state: artifact.state,
        },
      );
    }
    const ttl = this.settings.downloadUrlTtlSeconds;
    const url = await this.storage.presignDownload(artifact.objectKey, {
      expiresInSeconds: ttl,
      contentDisposition: attachmentDisposition(artifact.filename),
      contentType: artifact.contentType,
    });
    return { url, expiresAt: new Date(this.now().getTime() + ttl * 1000).toISOString() };
  }

  /**
   * Removes the object, then tombstones the record and its sidecar. Each step is safe to repeat,
   * so a retry after a failure part-way finishes the job.
   */
  async delete(principal: Principal, artifactId: string): Promise<void> {
    const artifact = await this.catalog.findArtifact(artifactId);
    if (!artifact || !canDeleteArtifact(principal, artifact)) throw notFound("artifact", artifactId);
    if (artifact.state === "pending") {
      throw conflict("upload_in_progress", "This artifact is still uploading; abort its upload instead.");
    }
    await this.storage.deleteObject(artifact.objectKey);
    const deletedAt = this.now();
    await writeSidecar(this.storage, { ...artifact, state: "deleted", updatedAt: deletedAt }, deletedAt);
    await this.catalog.markArtifactDeleted(artifact.id, deletedAt);
  }
}
