import { identityView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { requireIdentified } from "@artifact-store/core";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { handle } from "hono/aws-lambda";

// API keys are looked up in the catalogue; a JWT needs nothing more.
export const app = createFunctionApp(catalogRuntime);

mount(app, routes.getIdentity, async (_input, { c, principal }) =>
  c.json(identityView(requireIdentified(principal))),
);

export const handler = handle(app);
