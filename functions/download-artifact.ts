import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { artifactsOf, storageRuntime } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.downloadArtifact, async ({ params, query }, { c, principal, runtime }) => {
  const link = await artifactsOf(runtime).downloadLink(principal, params.artifactId);
  // The link is personal and short-lived: no shared cache may keep it.
  c.header("Cache-Control", "private, no-store");
  return query.redirect === "false" ? c.json(link) : c.redirect(link.url, 302);
});

export const handler = handle(app);
