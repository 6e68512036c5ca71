import { defineRoute, errors, withShared } from "../common/routes";
import { Identity } from "./schemas";

export const getIdentity = defineRoute({
  operationId: "getIdentity",
  method: "get",
  path: "/v1/me",
  summary: "Who the API takes the caller to be: id, roles, scopes and whether it may administer",
  tag: "identity",
  auth: "required",
  responses: withShared({ 200: { description: "The caller", schema: Identity } }, errors),
});
