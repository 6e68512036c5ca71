import { artifactViewFor } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, versionTag } from "@artifact-store/http";
import { artifactsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.getArtifact, async ({ params }, { c, principal }) => {
  const artifacts = artifactsOf(await readyStorageRuntime());
  const artifact = await artifacts.get(principal, params.artifactId);
  c.header("ETag", versionTag(artifact.version));
  return c.json(artifactViewFor(principal, artifact));
});

export const handler = handle(app);
