import { apiKeyView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, noteAuditTargets } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.createApiKey, async ({ body }, { c, principal, runtime }) => {
  const { record, key } = await runtime.apiKeys.create(principal, {
    ...body,
    expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
  });
  noteAuditTargets(c, { target: record.id });
  c.header("Cache-Control", "no-store");
  return c.json({ ...apiKeyView(record), key }, 201);
});

export const handler = handle(app);
