import { uploadStatusView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.getUpload, async ({ params }, { c, principal, runtime }) => {
  return c.json(uploadStatusView(await uploadsOf(runtime).status(principal, params.uploadId)));
});

export const handler = handle(app);
