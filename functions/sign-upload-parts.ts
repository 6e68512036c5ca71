import { signedPartsView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyStorageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.signUploadParts, async ({ params, body }, { c, principal }) => {
  const uploads = uploadsOf(await readyStorageRuntime());
  return c.json(signedPartsView(await uploads.sign(principal, params.uploadId, body)));
});

export const handler = handle(app);
