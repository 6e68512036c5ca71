import { artifactViewFor, routes } from "@artifact-store/api";
import { createFunctionApp, mount, versionTag } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.getArtifact, async ({ params }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  const artifact = await artifacts.get(principal, params.artifactId);
  c.header("ETag", versionTag(artifact.version));
  return c.json(artifactViewFor(principal, artifact));
});

export const handler = handle(app);
