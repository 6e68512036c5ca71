import { apiKeyView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.listApiKeys, async (_input, { c }) => {
  const { apiKeys } = await readyCatalogRuntime();
  return c.json({ apiKeys: (await apiKeys.list()).map(apiKeyView) });
});

export const handler = handle(app);
