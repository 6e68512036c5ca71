import { webhookDeliveryView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.listWebhookDeliveries, async ({ params, query }, { c, principal, runtime }) => {
  const deliveries = await webhooksOf(runtime).deliveries(principal, params.webhookId, query.limit ?? 50);
  return c.json({ deliveries: deliveries.map(webhookDeliveryView) });
});

export const handler = handle(app);
