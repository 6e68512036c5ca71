import { searchPageView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime, searchOf } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(catalogRuntime);

mount(app, routes.searchArtifacts, async ({ query }, { c, principal, runtime }) => {
  return c.json(searchPageView(principal, await searchOf(runtime).search(principal, query)));
});

export const handler = handle(app);
