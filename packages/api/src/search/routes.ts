import { defineRoute, error, errors } from "../common/routes";
import { SearchPage, SearchQuery } from "./schemas";

export const searchArtifacts = defineRoute({
  operationId: "searchArtifacts",
  method: "get",
  path: "/v1/artifacts",
  summary:
    "Find artifacts the caller may see: tags, type, owner, state, size and time ranges, hash, provenance, metadata, free text; cursor paging",
  tag: "artifacts",
  auth: "optional",
  scope: "read",
  query: SearchQuery,
  responses: {
    200: { description: "A page of artifacts", schema: SearchPage },
    400: errors[400],
    401: errors[401],
    403: error("The credentials lack the read scope, or a non-admin filtered by another owner"),
  },
});
