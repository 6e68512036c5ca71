import { historyView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.artifactHistory, async ({ params }, { c, principal }) => {
  const artifacts = artifactsOf(await readyStorageRuntime());
  const { artifact, previous } = await artifacts.history(principal, params.artifactId);
  return c.json(historyView(artifact, previous));
});

export const handler = handle(app);
