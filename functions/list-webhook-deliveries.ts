import { webhookDeliveryView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.listWebhookDeliveries, async ({ params, query }, { c, principal }) => {
  const webhooks = webhooksOf(await readyCatalogRuntime());
  const deliveries = await webhooks.deliveries(principal, params.webhookId, query.limit ?? 50);
  return c.json({ deliveries: deliveries.map(webhookDeliveryView) });
});

export const handler = handle(app);
