import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.queryAudit, async ({ query }, { c, runtime }) => {
  const { cursor, limit, from, to, ...filter } = query;
  const page = await runtime.audit.query(
    { ...filter, ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}) },
    { ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) },
  );
  return c.json({ ...page, events: page.events.map((event) => ({ ...event, at: event.at.toISOString() })) });
});

export const handler = handle(app);
