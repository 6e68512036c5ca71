import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyStorageRuntime, reindexOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.reindex, async (_input, { c }) => {
  const reindex = reindexOf(await readyStorageRuntime());
  return c.json(await reindex());
});

export const handler = handle(app);
