import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { backupsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";

export const app = createFunctionApp();

mount(app, routes.backupNow, async (_input, { c }) => {
  const backups = backupsOf(await readyStorageRuntime());
  return c.json(await backups.run());
});

export const handler = httpOrScheduled(app, async () => backupsOf(await readyStorageRuntime()).run());
