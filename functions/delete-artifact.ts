import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.deleteArtifact, async ({ params }, { c, principal, runtime }) => {
  await artifactsOf(runtime).delete(principal, params.artifactId);
  return c.body(null, 204);
});

export const handler = handle(app);
