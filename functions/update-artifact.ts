import { artifactView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, ifMatchVersions, mount, versionTag } from "@artifact-store/http";
import { artifactsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.updateArtifact, async ({ params, body }, { c, principal, runtime }) => {
  const artifact = await artifactsOf(runtime).update(principal, params.artifactId, body, ifMatchVersions(c));
  c.header("ETag", versionTag(artifact.version));
  return c.json(artifactView(artifact));
});

export const handler = handle(app);
