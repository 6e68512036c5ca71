import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.deleteWebhook, async ({ params }, { c, principal }) => {
  const { webhooks } = await readyCatalogRuntime();
  await webhooks.delete(principal, params.webhookId);
  return c.body(null, 204);
});

export const handler = handle(app);
