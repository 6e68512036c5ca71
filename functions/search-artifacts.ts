import { searchPageView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { readyCatalogRuntime, searchOf } from "@artifact-store/runtime/catalog";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

mount(app, routes.searchArtifacts, async ({ query }, { c, principal }) => {
  const search = searchOf(await readyCatalogRuntime());
  return c.json(searchPageView(principal, await search.search(principal, query)));
});

export const handler = handle(app);
