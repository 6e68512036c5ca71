import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.deleteWebhook, async ({ params }, { c, principal, runtime }) => {
  await webhooksOf(runtime).delete(principal, params.webhookId);
  return c.body(null, 204);
});

export const handler = handle(app);
