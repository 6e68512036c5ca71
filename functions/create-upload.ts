import { uploadOpeningView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, noteAuditTargets } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.createUpload, async ({ body }, { c, principal, runtime }) => {
  const opening = await uploadsOf(runtime).create(principal, body);
  if (opening.deduplicated) {
    noteAuditTargets(c, { artifactId: opening.artifact.id });
    return c.json(uploadOpeningView(opening), 200);
  }
  noteAuditTargets(c, { artifactId: opening.upload.artifactId, uploadId: opening.upload.id });
  return c.json(uploadOpeningView(opening), 201);
});

export const handler = handle(app);
