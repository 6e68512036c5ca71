import { completedPartsOfXml, completeMultipartUploadXml } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, MAX_COMPLETION_BODY_BYTES, mount, noteAuditTargets } from "@artifact-store/http";
import { storageRuntime, uploadsOf, verifierOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime, { maxBodyBytes: MAX_COMPLETION_BODY_BYTES });

// As POST /v1/uploads/{id}/complete with `parts`: the store completes from the parts storage
// holds, only if they are exactly those Uppy names, with the SHA-256 the worker hashed.
mount(app, routes.uppyCompleteUpload, async ({ params, query }, { c, principal, runtime }) => {
  const parts = completedPartsOfXml(await c.req.text());
  const uploaded = await uploadsOf(runtime).complete(principal, params.uploadId, {
    sha256: query.sha256,
    parts,
  });
  const artifact = await verifierOf(runtime).afterUpload(uploaded);
  noteAuditTargets(c, { artifactId: artifact.id });
  const xml = completeMultipartUploadXml(params.uploadId, artifact, new URL(c.req.url).origin);
  return c.body(xml, 200, { "content-type": "application/xml" });
});

export const handler = handle(app);
