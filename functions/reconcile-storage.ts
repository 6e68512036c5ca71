import { integrityRunView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { reconcilerOf, storageRuntime } from "@artifact-store/runtime/storage";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.reconcileStorage, async (_input, { c, runtime }) => {
  return c.json(integrityRunView(await reconcilerOf(runtime).run()));
});

export const handler = httpOrScheduled(app, async (runtime) =>
  integrityRunView(await reconcilerOf(runtime).run()),
);
