import { artifactView, routes } from "@artifact-store/api";
import { createFunctionApp, mount, noteAuditTargets } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.completeUpload, async ({ params, body }, { c, principal }) => {
  const { uploads } = await readyRuntime();
  const artifact = await uploads.complete(principal, params.uploadId, body?.sha256);
  noteAuditTargets(c, { artifactId: artifact.id });
  return c.json(artifactView(artifact));
});

export const handler = handle(app);
