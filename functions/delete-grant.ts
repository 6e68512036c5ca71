import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.deleteGrant, async ({ params }, { c, principal, runtime }) => {
  await artifactsOf(runtime).revokeGrant(principal, params.artifactId, params.grantee);
  return c.body(null, 204);
});

export const handler = handle(app);
