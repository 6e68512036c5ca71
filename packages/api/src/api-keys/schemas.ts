import * as v from "valibot";
import { IsoTime, UserId } from "../common/schemas";

export const Scope = v.picklist(["read", "upload", "write", "admin"]);
export const CreateApiKeyBody = v.strictObject({
  subject: UserId,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  scopes: v.pipe(v.array(Scope), v.minLength(1)),
  expiresAt: v.optional(IsoTime),
});
export const ApiKeyView = v.object({
  id: v.string(),
  subject: v.string(),
  name: v.string(),
  scopes: v.array(v.string()),
  createdBy: v.string(),
  createdAt: v.string(),
  expiresAt: v.nullable(v.string()),
  revokedAt: v.nullable(v.string()),
  lastUsedAt: v.nullable(v.string()),
});
export type ApiKeyView = v.InferOutput<typeof ApiKeyView>;
export const CreatedApiKey = v.object({ ...ApiKeyView.entries, key: v.string() });
export const ApiKeyList = v.object({ apiKeys: v.array(ApiKeyView) });
export const ApiKeyParams = v.strictObject({
  keyId: v.pipe(v.string(), v.regex(/^[0-9a-f]{12}$/, "must be a key id")),
});
