import { buildOpenApiDocument } from "@artifact-store/api/openapi";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { handle } from "hono/aws-lambda";

export const app = createFunctionApp();

let document: Record<string, unknown> | undefined;

mount(app, routes.openApiDocument, (_input, { c }) => {
  document ??= buildOpenApiDocument();
  return c.json(document);
});

export const handler = handle(app);
