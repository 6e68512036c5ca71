import { grantView, routes } from "@artifact-store/api";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.listGrants, async ({ params }, { c, principal }) => {
  const { artifacts } = await readyRuntime();
  return c.json({ grants: (await artifacts.listGrants(principal, params.artifactId)).map(grantView) });
});

export const handler = handle(app);
