import type { IdentifiedPrincipal } from "@artifact-store/core";
import type { Identity } from "./schemas";

export const identityView = (principal: IdentifiedPrincipal): Identity => ({
  id: principal.id,
  kind: principal.kind,
  keyId: principal.kind === "apiKey" ? principal.keyId : null,
  roles: [...principal.roles],
  scopes: [...principal.scopes],
  admin: principal.scopes.includes("admin"),
});
