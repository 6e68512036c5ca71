import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.listBackups, async (_input, { c }) => {
  const { backups } = await readyRuntime();
  return c.json(await backups.list());
});

export const handler = handle(app);
