import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, noteAuditTargets } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.createUpload, async ({ body }, { c, principal, runtime }) => {
  const created = await uploadsOf(runtime).create(principal, body);
  if (created.deduplicated) {
    noteAuditTargets(c, { artifactId: created.artifactId });
    return c.json(created, 200);
  }
  noteAuditTargets(c, { artifactId: created.artifactId, uploadId: created.uploadId });
  return c.json(created, 201);
});

export const handler = handle(app);
