import { artifactView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyStorageRuntime, verifierOf } from "@artifact-store/runtime/storage";

export const app = createFunctionApp();

mount(app, routes.verifyArtifact, async ({ params }, { c }) => {
  const verifier = verifierOf(await readyStorageRuntime());
  return c.json(artifactView(await verifier.reverify(params.artifactId)));
});

export const handler = httpOrScheduled(app, async () =>
  verifierOf(await readyStorageRuntime()).verifyPending(),
);
