import { apiKeyView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.listApiKeys, async (_input, { c, runtime }) => {
  return c.json({ apiKeys: (await runtime.apiKeys.list()).map(apiKeyView) });
});

export const handler = handle(app);
