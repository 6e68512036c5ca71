import { ArtifactParams } from "../artifacts/schemas";
import { defineRoute, errors, withShared } from "../common/routes";
import { GrantList, GrantParams, GrantView, PutGrantBody } from "./schemas";

export const listGrants = defineRoute({
  operationId: "listGrants",
  method: "get",
  path: "/v1/artifacts/:artifactId/grants",
  summary: "Users a private artifact is shared with (owner or admin)",
  tag: "sharing",
  auth: "required",
  scope: "write",
  params: ArtifactParams,
  responses: withShared({ 200: { description: "Grants", schema: GrantList } }, errors),
});

export const putGrant = defineRoute({
  operationId: "putGrant",
  method: "put",
  path: "/v1/artifacts/:artifactId/grants/:grantee",
  summary: "Share a private artifact with a user, optionally until a time (owner or admin)",
  tag: "sharing",
  auth: "required",
  scope: "write",
  params: GrantParams,
  body: PutGrantBody,
  responses: withShared({ 200: { description: "The grant", schema: GrantView } }, errors),
});

export const deleteGrant = defineRoute({
  operationId: "deleteGrant",
  method: "delete",
  path: "/v1/artifacts/:artifactId/grants/:grantee",
  summary: "Revoke a user's grant (owner or admin)",
  tag: "sharing",
  auth: "required",
  scope: "write",
  params: GrantParams,
  responses: withShared({ 204: { description: "Revoked" } }, errors),
});
