import { createFunctionApp, httpOrScheduled } from "@artifact-store/http";
import { catalogRuntime } from "@artifact-store/runtime";
import { webhooksOf } from "@artifact-store/runtime/webhooks";

// Scheduled only: sends the outbox's due deliveries. It has no route of its own.
export const app = createFunctionApp(catalogRuntime);

export const handler = httpOrScheduled(app, async (runtime) => webhooksOf(runtime).deliverDue());
