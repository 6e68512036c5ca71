import { defineRoute, errors, withShared } from "../common/routes";
import { ApiKeyList, ApiKeyParams, CreateApiKeyBody, CreatedApiKey } from "./schemas";

export const createApiKey = defineRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/v1/api-keys",
  summary: "Create an API key for a service; the key is shown only in this answer (admin)",
  tag: "api-keys",
  auth: "required",
  scope: "admin",
  body: CreateApiKeyBody,
  responses: withShared({ 201: { description: "The key, shown once", schema: CreatedApiKey } }, errors),
});

export const listApiKeys = defineRoute({
  operationId: "listApiKeys",
  method: "get",
  path: "/v1/api-keys",
  summary: "Every API key, without secrets (admin)",
  tag: "api-keys",
  auth: "required",
  scope: "admin",
  responses: withShared({ 200: { description: "Keys", schema: ApiKeyList } }, errors),
});

export const revokeApiKey = defineRoute({
  operationId: "revokeApiKey",
  method: "delete",
  path: "/v1/api-keys/:keyId",
  summary: "Revoke an API key (admin)",
  tag: "api-keys",
  auth: "required",
  scope: "admin",
  params: ApiKeyParams,
  responses: withShared({ 204: { description: "Revoked" } }, errors),
});
