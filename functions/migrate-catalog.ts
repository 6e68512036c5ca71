import { migrate } from "@artifact-store/catalog";
import { createFunctionApp, httpOrScheduled } from "@artifact-store/http";
import { unreadiedRuntime } from "@artifact-store/runtime";

// Run by `sst deploy` (an aws.lambda.Invocation in sst.config.ts) whenever the schema version
// moves on; no route, no URL, so only the deployer's credentials can invoke it. Migrations are
// idempotent and serialised by an advisory lock, so running it again changes nothing.
export const app = createFunctionApp(unreadiedRuntime);

export const handler = httpOrScheduled(app, async (runtime) => ({
  applied: await migrate(runtime.catalog.db),
}));
