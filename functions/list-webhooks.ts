import { webhookView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.listWebhooks, async ({ query }, { c, principal }) => {
  const webhooks = webhooksOf(await readyCatalogRuntime());
  return c.json({ webhooks: (await webhooks.list(principal, query.createdBy)).map(webhookView) });
});

export const handler = handle(app);
