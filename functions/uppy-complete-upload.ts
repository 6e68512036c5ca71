import { completeMultipartUploadXml } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount, noteAuditTargets } from "@artifact-store/http";
import { storageRuntime, uploadsOf, verifierOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

// Uppy's own <CompleteMultipartUpload> body is not read: the store completes from the parts
// storage holds, as POST /v1/uploads/{id}/complete does, with the SHA-256 the worker hashed.
mount(app, routes.uppyCompleteUpload, async ({ params, query }, { c, principal, runtime }) => {
  const uploaded = await uploadsOf(runtime).complete(principal, params.uploadId, query.sha256);
  const artifact = await verifierOf(runtime).afterUpload(uploaded);
  noteAuditTargets(c, { artifactId: artifact.id });
  const xml = completeMultipartUploadXml(params.uploadId, artifact, new URL(c.req.url).origin);
  return c.body(xml, 200, { "content-type": "application/xml" });
});

export const handler = handle(app);
