import { uploadStatusView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyStorageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.getUpload, async ({ params }, { c, principal }) => {
  const uploads = uploadsOf(await readyStorageRuntime());
  return c.json(uploadStatusView(await uploads.status(principal, params.uploadId)));
});

export const handler = handle(app);
