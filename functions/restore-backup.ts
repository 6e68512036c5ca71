import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.restoreBackup, async ({ params, body }, { c }) => {
  const { backups } = await readyRuntime();
  return c.json(await backups.restore(params.snapshotId, body ?? {}));
});

export const handler = handle(app);
