import { integrityRunView, routes } from "@artifact-store/api";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";

export const app = createFunctionApp();

mount(app, routes.reconcileStorage, async (_input, { c }) => {
  const { reconciler } = await readyRuntime();
  return c.json(integrityRunView(await reconciler.run()));
});

export const handler = httpOrScheduled(app, async () =>
  integrityRunView(await (await readyRuntime()).reconciler.run()),
);
