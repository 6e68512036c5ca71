import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { auditExportOf, storageRuntime } from "@artifact-store/runtime/storage";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.exportAudit, async (_input, { c, runtime }) => {
  return c.json({ exported: await auditExportOf(runtime)() });
});

export const handler = httpOrScheduled(app, async (runtime) => auditExportOf(runtime)());
