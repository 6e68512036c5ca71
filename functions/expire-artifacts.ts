import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { expiryOf, readyStorageRuntime } from "@artifact-store/runtime/storage";

export const app = createFunctionApp();

mount(app, routes.expireArtifacts, async (_input, { c }) => {
  const expiry = expiryOf(await readyStorageRuntime());
  return c.json(await expiry.run());
});

export const handler = httpOrScheduled(app, async () => expiryOf(await readyStorageRuntime()).run());
