import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.signUploadParts, async ({ params, body }, { c, principal }) => {
  const { uploads } = await readyRuntime();
  return c.json(await uploads.sign(principal, params.uploadId, body));
});

export const handler = handle(app);
