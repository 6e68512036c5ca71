import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { backupsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.restoreBackup, async ({ params, body }, { c, runtime }) => {
  return c.json(await backupsOf(runtime).restore(params.snapshotId, body ?? {}));
});

export const handler = handle(app);
