import { artifactView } from "@artifact-store/api";
import * as routes from "@artifact-store/api/routes";
import { handedOffArtifactOf } from "@artifact-store/artifacts";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { storageRuntime, verifierOf } from "@artifact-store/runtime/storage";

export const app = createFunctionApp(storageRuntime);

mount(app, routes.verifyArtifact, async ({ params }, { c, runtime }) => {
  return c.json(artifactView(await verifierOf(runtime).reverify(params.artifactId)));
});

// Every minute from the schedule; at once, for one artifact, when a completion hands it off.
export const handler = httpOrScheduled(app, async (runtime, event) => {
  const verifier = verifierOf(runtime);
  const handedOff = handedOffArtifactOf(event);
  return handedOff ? verifier.verifyHandedOff(handedOff) : verifier.verifyPending();
});
