import { integrityRunView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyStorageRuntime, reconcilerOf } from "@artifact-store/runtime/storage";

export const app = createFunctionApp();

mount(app, routes.reconcileStorage, async (_input, { c }) => {
  const reconciler = reconcilerOf(await readyStorageRuntime());
  return c.json(integrityRunView(await reconciler.run()));
});

export const handler = httpOrScheduled(app, async () =>
  integrityRunView(await reconcilerOf(await readyStorageRuntime()).run()),
);
