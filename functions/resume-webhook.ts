import { webhookView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.resumeWebhook, async ({ params }, { c, principal }) => {
  const webhooks = webhooksOf(await readyCatalogRuntime());
  return c.json(webhookView(await webhooks.resume(principal, params.webhookId)));
});

export const handler = handle(app);
