import { initiateMultipartUploadXml } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { conflict, gone } from "@artifact-store/core";
import { createFunctionApp, mount } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

// The upload is opened by the JSON API (POST /v1/uploads, before Uppy slices the file, so Uppy
// cuts the parts the store planned); Uppy's CreateMultipartUpload only learns its id here.
mount(app, routes.uppyCreateMultipartUpload, async ({ params }, { c, principal, runtime }) => {
  const { upload, expired } = await uploadsOf(runtime).status(principal, params.uploadId);
  if (expired) throw gone("upload_expired", `This upload expired at ${upload.expiresAt.toISOString()}.`);
  if (upload.state === "aborted") throw conflict("upload_aborted", "This upload was aborted.");
  if (upload.state === "completed") throw conflict("upload_completed", "This upload is already complete.");
  if (upload.mode !== "multipart") {
    throw conflict("upload_not_multipart", "This upload is a single PUT; send it with PutObject.");
  }
  return c.body(initiateMultipartUploadXml(upload.id), 200, { "content-type": "application/xml" });
});

export const handler = handle(app);
