import { artifactView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, ifMatchVersions, mount, versionTag } from "@artifact-store/http";
import { artifactsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.updateArtifact, async ({ params, body }, { c, principal }) => {
  const artifacts = artifactsOf(await readyStorageRuntime());
  const artifact = await artifacts.update(principal, params.artifactId, body, ifMatchVersions(c));
  c.header("ETag", versionTag(artifact.version));
  return c.json(artifactView(artifact));
});

export const handler = handle(app);
