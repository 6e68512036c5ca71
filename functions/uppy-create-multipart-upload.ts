import { initiateMultipartUploadXml } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

// The upload is opened by the JSON API (POST /v1/uploads, before Uppy slices the file, so Uppy
// cuts the parts the store planned); Uppy's CreateMultipartUpload only learns its id here.
mount(app, routes.uppyCreateMultipartUpload, async ({ params }, { c, principal, runtime }) => {
  const upload = await uploadsOf(runtime).openMultipart(principal, params.uploadId);
  return c.body(initiateMultipartUploadXml(upload.id), 200, { "content-type": "application/xml" });
});

export const handler = handle(app);
