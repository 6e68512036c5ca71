import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.verifyAudit, async (_input, { c, runtime }) => {
  return c.json(await runtime.audit.verify());
});

export const handler = handle(app);
