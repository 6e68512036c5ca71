import { grantView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, readyStorageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.putGrant, async ({ params, body }, { c, principal }) => {
  const artifacts = artifactsOf(await readyStorageRuntime());
  const expiresAt = body?.expiresAt ? new Date(body.expiresAt) : null;
  return c.json(grantView(await artifacts.grant(principal, params.artifactId, params.grantee, expiresAt)));
});

export const handler = handle(app);
