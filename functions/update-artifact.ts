import { artifactView, routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.updateArtifact, async ({ params, body }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  return c.json(artifactView(await artifacts.setVisibility(principal, params.artifactId, body.visibility)));
});

export const handler = handle(app);
