import { listPartsXml } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { storageRuntime, uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.uppyListParts, async ({ params }, { c, principal, runtime }) => {
  const progress = await uploadsOf(runtime).status(principal, params.uploadId);
  return c.body(listPartsXml(progress), 200, { "content-type": "application/xml" });
});

export const handler = handle(app);
