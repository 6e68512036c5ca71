import { grantView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.putGrant, async ({ params, body }, { c, principal, runtime }) => {
  const expiresAt = body?.expiresAt ? new Date(body.expiresAt) : null;
  return c.json(
    grantView(await artifactsOf(runtime).grant(principal, params.artifactId, params.grantee, expiresAt)),
  );
});

export const handler = handle(app);
