import { routes, webhookDeliveryView } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.redeliverWebhook, async ({ params }, { c, principal }) => {
  const { webhooks } = await readyCatalogRuntime();
  return c.json(webhookDeliveryView(await webhooks.redeliver(principal, params.deliveryId)));
});

export const handler = handle(app);
