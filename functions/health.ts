import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { unreadiedRuntime } from "@artifact-store/runtime";
import { healthOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(unreadiedRuntime);

mount(app, routes.health, async (_input, { c, runtime }) => {
  // Not readied: a catalogue or bucket that is down is what this reports, not a reason to fail.
  const report = await healthOf(runtime)();
  c.header("Cache-Control", "no-store");
  return c.json(report, report.status === "ok" ? 200 : 503);
});

export const handler = handle(app);
