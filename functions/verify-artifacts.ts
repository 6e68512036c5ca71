import { artifactView, routes } from "@artifact-store/api";
import { createFunctionApp, httpOrScheduled, mount } from "@artifact-store/http";
import { readyRuntime } from "@artifact-store/runtime";

export const app = createFunctionApp();

mount(app, routes.verifyArtifact, async ({ params }, { c }) => {
  const { verifier } = await readyRuntime();
  return c.json(artifactView(await verifier.reverify(params.artifactId)));
});

export const handler = httpOrScheduled(app, async () => (await readyRuntime()).verifier.verifyPending());
