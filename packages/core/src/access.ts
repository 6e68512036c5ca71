import type { Artifact, Grant, UploadSession } from "./model";
import { isAdmin, type Principal } from "./principal";

/**
 * Access rules. Callers who may not see a thing get "not found", never "forbidden", so the
 * existence of another user's artifact or upload never leaks.
 */
export const isOwner = (principal: Principal, artifact: Artifact): boolean =>
  principal.id !== null && principal.id === artifact.ownerId;

export const isGrantActive = (grant: Grant | null, now: Date): boolean =>
  grant !== null && (grant.expiresAt === null || grant.expiresAt.getTime() > now.getTime());

/** Public artifacts are for anyone; private ones for the owner, admins and holders of a live grant. */
export const canReadArtifact = (
  principal: Principal,
  artifact: Artifact,
  grant: Grant | null,
  now: Date,
): boolean =>
  artifact.state !== "deleted" &&
  (artifact.visibility === "public" ||
    isOwner(principal, artifact) ||
    isAdmin(principal) ||
    isGrantActive(grant, now));

/** Changing, deleting and sharing belong to the owner and admins. */
export const canManageArtifact = (principal: Principal, artifact: Artifact): boolean =>
  artifact.state !== "deleted" && (isOwner(principal, artifact) || isAdmin(principal));

/** Only the creator of an upload signs its parts, inspects, completes or aborts it. */
export const canUseUpload = (principal: Principal, upload: UploadSession): boolean =>
  principal.kind !== "anonymous" && principal.id === upload.ownerId;
