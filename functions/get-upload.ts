import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.getUpload, async ({ params }, { c, principal }) => {
  const { uploads } = await readyRuntime();
  return c.json(await uploads.status(principal, params.uploadId));
});

export const handler = handle(app);
