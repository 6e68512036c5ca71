import { apiKeyView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, noteAuditTargets } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.createApiKey, async ({ body }, { c, principal }) => {
  const { apiKeys } = await readyCatalogRuntime();
  const { record, key } = await apiKeys.create(principal, {
    ...body,
    expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
  });
  noteAuditTargets(c, { target: record.id });
  c.header("Cache-Control", "no-store");
  return c.json({ ...apiKeyView(record), key }, 201);
});

export const handler = handle(app);
