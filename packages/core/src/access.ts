import type { Artifact, UploadSession } from "./model";
import { isAdmin, type Principal } from "./principal";

/**
 * Access rules. Callers who may not see a thing get "not found", never "forbidden", so the
 * existence of another user's artifact or upload never leaks.
 */
export const canReadArtifact = (principal: Principal, artifact: Artifact): boolean =>
  artifact.state !== "deleted" &&
  (artifact.visibility === "public" || principal.id === artifact.ownerId || isAdmin(principal));

export const canDeleteArtifact = (principal: Principal, artifact: Artifact): boolean =>
  artifact.state !== "deleted" && (principal.id === artifact.ownerId || isAdmin(principal));

/** Only the creator of an upload signs its parts, inspects, completes or aborts it. */
export const canUseUpload = (principal: Principal, upload: UploadSession): boolean =>
  principal.kind === "user" && principal.id === upload.ownerId;
