import { grantView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.listGrants, async ({ params }, { c, principal }) => {
  const artifacts = artifactsOf(await readyStorageRuntime());
  return c.json({ grants: (await artifacts.listGrants(principal, params.artifactId)).map(grantView) });
});

export const handler = handle(app);
