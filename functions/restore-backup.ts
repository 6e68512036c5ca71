import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { backupsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.restoreBackup, async ({ params, body }, { c }) => {
  const backups = backupsOf(await readyStorageRuntime());
  return c.json(await backups.restore(params.snapshotId, body ?? {}));
});

export const handler = handle(app);
