import { migrate } from "@artifact-store/catalog";
import { createFunctionApp, httpOrScheduled } from "@artifact-store/http";
import { sharedCatalogRuntime } from "@artifact-store/runtime/catalog";

// Run by `sst deploy` (an aws.lambda.Invocation in sst.config.ts) whenever the schema version
// moves on; no route, no URL, so only the deployer's credentials can invoke it. Migrations are
// idempotent and serialised by an advisory lock, so running it again changes nothing.
export const app = createFunctionApp();

export const handler = httpOrScheduled(app, async () => ({
  applied: await migrate((await sharedCatalogRuntime()).catalog.db),
}));
