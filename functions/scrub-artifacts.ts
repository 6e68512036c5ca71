import { integrityRunView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyStorageRuntime, scrubberOf } from "@artifact-store/runtime/storage";

export const app = createFunctionApp();

mount(app, routes.scrubArtifacts, async (_input, { c }) => {
  const scrubber = scrubberOf(await readyStorageRuntime());
  return c.json(integrityRunView(await scrubber.run()));
});

export const handler = httpOrScheduled(app, async () =>
  integrityRunView(await scrubberOf(await readyStorageRuntime()).run()),
);
