import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { expiryOf, storageRuntime } from "@artifact-store/runtime/storage";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.expireArtifacts, async (_input, { c, runtime }) => {
  return c.json(await expiryOf(runtime).run());
});

export const handler = httpOrScheduled(app, async (runtime) => expiryOf(runtime).run());
