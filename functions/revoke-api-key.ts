import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.revokeApiKey, async ({ params }, { c }) => {
  const { apiKeys } = await readyCatalogRuntime();
  await apiKeys.revoke(params.keyId);
  return c.body(null, 204);
});

export const handler = handle(app);
