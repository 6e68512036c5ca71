import { artifactView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { handedOffArtifactOf } from "@artifact-store/artifacts";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyStorageRuntime, verifierOf } from "@artifact-store/runtime/storage";

export const app = createFunctionApp();

mount(app, routes.verifyArtifact, async ({ params }, { c }) => {
  const verifier = verifierOf(await readyStorageRuntime());
  return c.json(artifactView(await verifier.reverify(params.artifactId)));
});

// Every minute from the schedule; at once, for one artifact, when a completion hands it off.
export const handler = httpOrScheduled(app, async (event) => {
  const verifier = verifierOf(await readyStorageRuntime());
  const handedOff = handedOffArtifactOf(event);
  return handedOff ? verifier.verifyHandedOff(handedOff) : verifier.verifyPending();
});
