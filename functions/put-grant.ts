import { grantView, routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.putGrant, async ({ params, body }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  const expiresAt = body?.expiresAt ? new Date(body.expiresAt) : null;
  return c.json(grantView(await artifacts.grant(principal, params.artifactId, params.grantee, expiresAt)));
});

export const handler = handle(app);
