import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.deleteWebhook, async ({ params }, { c, principal }) => {
  const webhooks = webhooksOf(await readyCatalogRuntime());
  await webhooks.delete(principal, params.webhookId);
  return c.body(null, 204);
});

export const handler = handle(app);
