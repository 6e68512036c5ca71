import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.deleteArtifact, async ({ params }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  await artifacts.delete(principal, params.artifactId);
  return c.body(null, 204);
});

export const handler = handle(app);
