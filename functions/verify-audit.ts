import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.verifyAudit, async (_input, { c }) => {
  const { audit } = await readyCatalogRuntime();
  return c.json(await audit.verify());
});

export const handler = handle(app);
