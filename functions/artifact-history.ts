import { historyView, routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.artifactHistory, async ({ params }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  const { artifact, previous } = await artifacts.history(principal, params.artifactId);
  return c.json(historyView(artifact, previous));
});

export const handler = handle(app);
