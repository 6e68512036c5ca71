import { artifactView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { storageRuntime, verifierOf } from "@artifact-store/runtime/storage";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.verifyArtifact, async ({ params }, { c, runtime }) => {
  return c.json(artifactView(await verifierOf(runtime).reverify(params.artifactId)));
});

export const handler = httpOrScheduled(app, async (runtime) => verifierOf(runtime).verifyPending());
