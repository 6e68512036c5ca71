import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.abortUpload, async ({ params }, { c, principal }) => {
  const { uploads } = await readyRuntime();
  await uploads.abort(principal, params.uploadId);
  return c.body(null, 204);
});

export const handler = handle(app);
