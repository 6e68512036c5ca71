import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, storageEventsCaller } from "@artifact-store/http";
import { storageEventsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

// Storage posts bucket notifications here (deployed: through the function's own URL).
export const app = createFunctionApp(storageRuntime);

mount(app, routes.storageEvents, async ({ body }, { c, runtime }) => {
  storageEventsCaller(c, runtime.config.storageEventsToken);
  return c.json(await storageEventsOf(runtime).receive(body));
});

export const handler = handle(app);
