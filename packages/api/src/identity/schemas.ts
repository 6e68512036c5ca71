import * as v from "valibot";

/** Who the API takes the caller to be: what clients show and decide on, never their own decoding. */
export const Identity = v.object({
  /** The user id acted as: a token's subject, or an API key's. */
  id: v.string(),
  /** How the caller proved it: a bearer JWT or an API key. */
  kind: v.picklist(["user", "apiKey"]),
  /** The API key's id, when the caller used one. */
  keyId: v.nullable(v.string()),
  roles: v.array(v.string()),
  scopes: v.array(v.string()),
  /** The admin scope: the operations routes and everyone's artifacts are open to this caller. */
  admin: v.boolean(),
});
export type Identity = v.InferOutput<typeof Identity>;
