import type { ApiKeyRecord } from "@artifact-store/core";
import type { ApiKeyView } from "./schemas";

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
