import { integrityRunView, routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.integrityReport, async ({ query }, { c }) => {
  const { integrity } = await readyCatalogRuntime();
  const runs = await integrity.recentRuns(query.limit ?? 20, query.kind);
  return c.json({ runs: runs.map(integrityRunView) });
});

export const handler = handle(app);
