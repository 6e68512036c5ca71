import { webhookView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.listWebhooks, async ({ query }, { c, principal, runtime }) => {
  return c.json({ webhooks: (await webhooksOf(runtime).list(principal, query.createdBy)).map(webhookView) });
});

export const handler = handle(app);
