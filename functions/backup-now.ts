import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { backupsOf, storageRuntime } from "@artifact-store/runtime/storage";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.backupNow, async (_input, { c, runtime }) => {
  return c.json(await backupsOf(runtime).run());
});

export const handler = httpOrScheduled(app, async (runtime) => backupsOf(runtime).run());
