import { artifactView, routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.getArtifact, async ({ params }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  return c.json(artifactView(await artifacts.get(principal, params.artifactId)));
});

export const handler = handle(app);
