import { artifactViewFor } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, versionTag } from "@artifact-store/http";
import { artifactsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.getArtifact, async ({ params }, { c, principal, runtime }) => {
  const artifact = await artifactsOf(runtime).get(principal, params.artifactId);
  c.header("ETag", versionTag(artifact.version));
  return c.json(artifactViewFor(principal, artifact));
});

export const handler = handle(app);
