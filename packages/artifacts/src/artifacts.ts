import type { DownloadLink } from "@artifact-store/api";
import type { ArtifactVersions, Catalog, GrantRecords } from "@artifact-store/catalog";
import {
  type Artifact,
  type ArtifactEdit,
  type ArtifactVersion,
  actorName,
  applyEdit,
  applyLifecycleEdit,
  attachmentDisposition,
  canManageArtifact,
  canReadArtifact,
  conflict,
  DomainError,
  forbidden,
  type Grant,
  invalid,
  isAdmin,
  legalHoldConflict,
  notFound,
  type Principal,
  preconditionFailed,
  SERVABLE_STATES,
  servedContentType,
} from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import { removeArtifact } from "./expiry";
import { mirrorTags } from "./object-tags";
import type { ServiceSettings } from "./settings";
import { writeSidecar } from "./sidecar";

const GRANTEE = /^[\x21-\x7e]{1,256}$/;

/** Scheduled verification runs every minute. */
const VERIFY_RETRY_AFTER_SECONDS = 60;

/** Reading, downloading, sharing and deleting recorded artifacts. */
export class Artifacts {
  constructor(
    private readonly catalog: Catalog,
    private readonly grants: GrantRecords,
    private readonly versions: ArtifactVersions,
    private readonly storage: ObjectStorage,
    private readonly settings: ServiceSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(principal: Principal, artifactId: string): Promise<Artifact> {
    const artifact = await this.catalog.findArtifact(artifactId);
    if (!artifact) throw notFound("artifact", artifactId);
    // A grant is looked up only when nothing else already allows the read.
    const grant =
      artifact.visibility === "private" && principal.id !== null && principal.id !== artifact.ownerId
        ? await this.grants.find(artifact.id, principal.id)
        : null;
    if (!canReadArtifact(principal, artifact, grant, this.now())) throw notFound("artifact", artifactId);
    return artifact;
  }

  /**
   * A short-lived presigned GET that names the original file; bytes never pass through us. Only
   * verified bytes are served, always as an attachment and under a type no browser runs.
   */
  async downloadLink(principal: Principal, artifactId: string): Promise<DownloadLink> {
    const artifact = await this.get(principal, artifactId);
    if (artifact.state === "corrupt") {
      const reason = artifact.integrity?.reason ?? "unknown";
      throw conflict(
        "artifact_corrupt",
        `This artifact is quarantined: its stored bytes failed verification (${reason}).`,
        {
          state: artifact.state,
          reason,
          ...(artifact.integrity ? { checkedAt: artifact.integrity.checkedAt.toISOString() } : {}),
        },
      );
    }
    if (artifact.state === "uploaded") {
      throw conflict(
        "artifact_not_verified",
        "This artifact's bytes have not been verified yet; retry shortly.",
        {
          state: artifact.state,
          retryAfterSeconds: VERIFY_RETRY_AFTER_SECONDS,
        },
      );
    }
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
      contentType: servedContentType(artifact.contentType, artifact.integrity),
      // The URL is personal: no shared cache between the bucket and the caller may keep the bytes.
      cacheControl: "private, no-store",
    });
    return { url, expiresAt: new Date(this.now().getTime() + ttl * 1000).toISOString() };
  }

  /**
   * Changes visibility, metadata or tags as one new version. With `acceptVersions` (If-Match),
   * only when the current version is one of them. The previous state goes to the history; the
   * sidecar (and, on a tag change, the object's S3 tags) is rewritten before the change commits,
   * so the bucket never lags the catalogue.
   */
  async update(
    principal: Principal,
    artifactId: string,
    edit: ArtifactEdit,
    acceptVersions: readonly number[] | null,
  ): Promise<Artifact> {
    const artifact = await this.managed(principal, artifactId);
    if (edit.legalHold !== undefined && !isAdmin(principal)) {
      throw forbidden("legal_hold_admin_only", "Only an admin may set or release a legal hold.");
    }
    const by = { actor: actorName(principal), at: this.now() };
    const outcome = await this.versions.edit(artifact.id, {
      acceptVersions,
      changedBy: by.actor,
      at: by.at,
      change: (current) => ({ ...applyEdit(current, edit), ...applyLifecycleEdit(current, edit, by) }),
      publish: async (updated) => {
        if (edit.tags) await mirrorTags(this.storage, updated);
        await writeSidecar(this.storage, updated);
      },
    });
    if (outcome.kind === "missing") throw notFound("artifact", artifactId);
    if (outcome.kind === "stale") {
      throw preconditionFailed(
        "precondition_failed",
        `The artifact is at version ${outcome.version}; read it again and retry with If-Match: "${outcome.version}".`,
        { currentVersion: outcome.version },
      );
    }
    return outcome.artifact;
  }

  /** The artifact as it is now, and the states its changes replaced, newest first. */
  async history(
    principal: Principal,
    artifactId: string,
  ): Promise<{ artifact: Artifact; previous: ArtifactVersion[] }> {
    const artifact = await this.managed(principal, artifactId);
    return { artifact, previous: await this.versions.history(artifact.id) };
  }

  async listGrants(principal: Principal, artifactId: string): Promise<Grant[]> {
    await this.managed(principal, artifactId);
    return this.grants.list(artifactId);
  }

  async grant(
    principal: Principal,
    artifactId: string,
    grantee: string,
    expiresAt: Date | null,
  ): Promise<Grant> {
    const artifact = await this.managed(principal, artifactId);
    if (!GRANTEE.test(grantee)) throw invalid("invalid_grantee", "The grantee must be a user id.");
    const now = this.now();
    if (expiresAt && expiresAt.getTime() <= now.getTime()) {
      throw invalid("invalid_expiry", "expiresAt must be in the future.");
    }
    return this.grants.put({
      artifactId: artifact.id,
      grantee,
      grantedBy: principal.id ?? "anonymous",
      createdAt: now,
      expiresAt,
    });
  }

  async revokeGrant(principal: Principal, artifactId: string, grantee: string): Promise<void> {
    await this.managed(principal, artifactId);
    if (!(await this.grants.revoke(artifactId, grantee))) {
      throw new DomainError("not_found", "grant_not_found", `${grantee} holds no grant on this artifact.`);
    }
  }

  /**
   * Tombstones the record and, before that commits, removes the object and rewrites the sidecar.
   * Refused (409 legal_hold) while a hold is on, for owners and admins alike; the hold is checked
   * under the same row lock as the tombstone is written, so a hold set first always wins. A failure
   * part-way rolls the tombstone back, so a retry finishes the job.
   */
  async delete(principal: Principal, artifactId: string): Promise<void> {
    const artifact = await this.managed(principal, artifactId);
    const outcome = await this.catalog.deleteArtifact(artifact.id, this.now(), (deleted) =>
      removeArtifact(this.storage, deleted),
    );
    if (outcome.kind === "held") throw legalHoldConflict(outcome.artifact);
    if (outcome.kind === "uploading") {
      throw conflict("upload_in_progress", "This artifact is still uploading; abort its upload instead.");
    }
    if (outcome.kind === "missing") throw notFound("artifact", artifactId);
  }

  /**
   * The artifact, when the caller may change it. Those who may read it but not change it are told
   * so (403); to everyone else it does not exist (404).
   */
  private async managed(principal: Principal, artifactId: string): Promise<Artifact> {
    const artifact = await this.get(principal, artifactId);
    if (!canManageArtifact(principal, artifact)) {
      throw forbidden("not_owner", "Only the artifact's owner or an admin may change, share or delete it.");
    }
    return artifact;
  }
}
