import { uploadPlanView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, mount } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { uploadsOf } from "@artifact-store/runtime/storage";
import { handle } from "hono/aws-lambda";

// Plans from settings alone: the catalogue is readied only for API-key sign-in, the bucket not at all.
export const app = createFunctionApp(catalogRuntime);

mount(app, routes.planUpload, async ({ query }, { c, runtime }) => {
  return c.json(uploadPlanView(uploadsOf(runtime).plan(query.size, query)));
});

export const handler = handle(app);
