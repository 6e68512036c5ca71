import { artifactView, routes } from "@artifact-store/api";
import { createFunctionApp, ifMatchVersions, mount, versionTag } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.updateArtifact, async ({ params, body }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  const artifact = await artifacts.update(principal, params.artifactId, body, ifMatchVersions(c));
  c.header("ETag", versionTag(artifact.version));
  return c.json(artifactView(artifact));
});

export const handler = handle(app);
