import { routes, webhookView } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.resumeWebhook, async ({ params }, { c, principal }) => {
  const { webhooks } = await readyCatalogRuntime();
  return c.json(webhookView(await webhooks.resume(principal, params.webhookId)));
});

export const handler = handle(app);
