import { signedPartsView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.signUploadParts, async ({ params, body }, { c, principal, runtime }) => {
  return c.json(signedPartsView(await uploadsOf(runtime).sign(principal, params.uploadId, body)));
});

export const handler = handle(app);
