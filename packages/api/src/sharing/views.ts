import type { Grant } from "@artifact-store/core";
import type { GrantView } from "./schemas";

export const grantView = (grant: Grant): GrantView => ({
  artifactId: grant.artifactId,
  grantee: grant.grantee,
  grantedBy: grant.grantedBy,
  createdAt: grant.createdAt.toISOString(),
  expiresAt: grant.expiresAt?.toISOString() ?? null,
});
