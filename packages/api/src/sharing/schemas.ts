import * as v from "valibot";
import { Id, IsoTime, UserId } from "../common/schemas";

export const GrantParams = v.strictObject({ artifactId: Id, grantee: UserId });
export const PutGrantBody = v.optional(v.strictObject({ expiresAt: v.optional(v.nullable(IsoTime)) }));
export const GrantView = v.object({
  artifactId: Id,
  grantee: v.string(),
  grantedBy: v.string(),
  createdAt: v.string(),
  expiresAt: v.nullable(v.string()),
});
export type GrantView = v.InferOutput<typeof GrantView>;
export const GrantList = v.object({ grants: v.array(GrantView) });
