import { integrityRunView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { scrubberOf, storageRuntime } from "@artifact-store/runtime/storage";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.scrubArtifacts, async (_input, { c, runtime }) => {
  return c.json(integrityRunView(await scrubberOf(runtime).run()));
});

export const handler = httpOrScheduled(app, async (runtime) =>
  integrityRunView(await scrubberOf(runtime).run()),
);
