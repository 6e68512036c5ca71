import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { auditExportOf, readyStorageRuntime } from "@artifact-store/runtime/storage";

export const app = createFunctionApp();

mount(app, routes.exportAudit, async (_input, { c }) => {
  const exportAudit = auditExportOf(await readyStorageRuntime());
  return c.json({ exported: await exportAudit() });
});

export const handler = httpOrScheduled(app, async () => auditExportOf(await readyStorageRuntime())());
