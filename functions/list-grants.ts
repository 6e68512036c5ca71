import { grantView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.listGrants, async ({ params }, { c, principal, runtime }) => {
  return c.json({
    grants: (await artifactsOf(runtime).listGrants(principal, params.artifactId)).map(grantView),
  });
});

export const handler = handle(app);
