import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.queryAudit, async ({ query }, { c }) => {
  const { audit } = await readyCatalogRuntime();
  const { cursor, limit, from, to, ...filter } = query;
  const page = await audit.query(
    { ...filter, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) },
    { ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) },
  );
  return c.json({ ...page, events: page.events.map((event) => ({ ...event, at: event.at.toISOString() })) });
});

export const handler = handle(app);
