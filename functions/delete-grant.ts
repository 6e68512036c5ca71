import { routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.deleteGrant, async ({ params }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  await artifacts.revokeGrant(principal, params.artifactId, params.grantee);
  return c.body(null, 204);
});

export const handler = handle(app);
