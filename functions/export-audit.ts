import { routes } from "@artifact-store/api";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";

export const app = createFunctionApp();

mount(app, routes.exportAudit, async (_input, { c }) => {
  const { exportAudit } = await readyRuntime();
  return c.json({ exported: await exportAudit() });
});

export const handler = httpOrScheduled(app, async () => (await readyRuntime()).exportAudit());
