import { routes } from "@artifact-store/api";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";

export const app = createFunctionApp();

mount(app, routes.backupNow, async (_input, { c }) => {
  const { backups } = await readyRuntime();
  return c.json(await backups.run());
});

export const handler = httpOrScheduled(app, async () => (await readyRuntime()).backups.run());
