import { integrityRunView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { integrityOf, readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.integrityReport, async ({ query }, { c }) => {
  const integrity = integrityOf(await readyCatalogRuntime());
  const runs = await integrity.recentRuns(query.limit ?? 20, query.kind);
  return c.json({ runs: runs.map(integrityRunView) });
});

export const handler = handle(app);
