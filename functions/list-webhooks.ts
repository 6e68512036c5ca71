import { routes, webhookView } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.listWebhooks, async ({ query }, { c, principal }) => {
  const { webhooks } = await readyCatalogRuntime();
  return c.json({ webhooks: (await webhooks.list(principal, query.createdBy)).map(webhookView) });
});

export const handler = handle(app);
