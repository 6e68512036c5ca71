import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.revokeApiKey, async ({ params }, { c, runtime }) => {
  await runtime.apiKeys.revoke(params.keyId);
  return c.body(null, 204);
});

export const handler = handle(app);
