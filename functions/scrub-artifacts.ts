import { integrityRunView, routes } from "@artifact-store/api";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";

export const app = createFunctionApp();

mount(app, routes.scrubArtifacts, async (_input, { c }) => {
  const { scrubber } = await readyRuntime();
  return c.json(integrityRunView(await scrubber.run()));
});

export const handler = httpOrScheduled(app, async () =>
  integrityRunView(await (await readyRuntime()).scrubber.run()),
);
