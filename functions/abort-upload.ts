import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.abortUpload, async ({ params }, { c, principal, runtime }) => {
  await uploadsOf(runtime).abort(principal, params.uploadId);
  return c.body(null, 204);
});

export const handler = handle(app);
