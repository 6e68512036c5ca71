import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.deleteGrant, async ({ params }, { c, principal }) => {
  const artifacts = artifactsOf(await readyStorageRuntime());
  await artifacts.revokeGrant(principal, params.artifactId, params.grantee);
  return c.body(null, 204);
});

export const handler = handle(app);
