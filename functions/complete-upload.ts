import { artifactView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, MAX_COMPLETION_BODY_BYTES, mount, noteAuditTargets } from "@artifact-store/http";
import { storageRuntime, uploadsOf, verifierOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime, { maxBodyBytes: MAX_COMPLETION_BODY_BYTES });

mount(app, routes.completeUpload, async ({ params, body }, { c, principal, runtime }) => {
  const uploaded = await uploadsOf(runtime).complete(
    principal,
    params.uploadId,
    { sha256: body?.sha256, parts: body?.parts },
    verifierOf(runtime).inline,
  );
  // Small objects are proven before the uploader hears back; large ones by a scheduled run.
  const artifact = await verifierOf(runtime).afterUpload(uploaded);
  noteAuditTargets(c, { artifactId: artifact.id });
  return c.json(artifactView(artifact));
});

export const handler = handle(app);
