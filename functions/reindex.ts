import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { reindexOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.reindex, async (_input, { c, runtime }) => {
  return c.json(await reindexOf(runtime)());
});

export const handler = handle(app);
