import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { sharedRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.health, async (_input, { c }) => {
  const report = await (await sharedRuntime()).health();
  c.header("Cache-Control", "no-store");
  return c.json(report, report.status === "ok" ? 200 : 503);
});

export const handler = handle(app);
