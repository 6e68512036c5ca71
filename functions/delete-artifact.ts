import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.deleteArtifact, async ({ params }, { c, principal }) => {
  const artifacts = artifactsOf(await readyStorageRuntime());
  await artifacts.delete(principal, params.artifactId);
  return c.body(null, 204);
});

export const handler = handle(app);
