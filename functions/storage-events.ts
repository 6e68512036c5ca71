import { routes } from "@artifact-store/api";
import { createFunctionApp, mount, storageEventsCaller } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

// Storage posts bucket notifications here (deployed: through the function's own URL).
export const app = createFunctionApp();

mount(app, routes.storageEvents, async ({ body }, { c }) => {
  const runtime = await readyRuntime();
  storageEventsCaller(c, runtime.config.storageEventsToken);
  return c.json(await runtime.storageEvents.receive(body));
});

export const handler = handle(app);
