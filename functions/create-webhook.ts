import { webhookView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, noteAuditTargets } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { webhooksOf } from "@artifact-store/runtime/webhooks";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.createWebhook, async ({ body }, { c, principal, runtime }) => {
  const { subscription, secret } = await webhooksOf(runtime).subscribe(principal, body);
  noteAuditTargets(c, { target: subscription.id });
  c.header("Cache-Control", "no-store");
  return c.json({ ...webhookView(subscription), secret }, 201);
});

export const handler = handle(app);
