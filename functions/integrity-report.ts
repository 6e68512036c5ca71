import { integrityRunView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime, integrityOf } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.integrityReport, async ({ query }, { c, runtime }) => {
  const runs = await integrityOf(runtime).recentRuns(query.limit ?? 20, query.kind);
  return c.json({ runs: runs.map(integrityRunView) });
});

export const handler = handle(app);
