import { webhookView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.resumeWebhook, async ({ params }, { c, principal, runtime }) => {
  return c.json(webhookView(await webhooksOf(runtime).resume(principal, params.webhookId)));
});

export const handler = handle(app);
