import { historyView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.artifactHistory, async ({ params }, { c, principal, runtime }) => {
  const { artifact, previous } = await artifactsOf(runtime).history(principal, params.artifactId);
  return c.json(historyView(artifact, previous));
});

export const handler = handle(app);
