import { createFunctionApp, httpOrScheduled } from "@artifact-store/http";
import { readyCatalogRuntime } from "@artifact-store/runtime/catalog";
import { webhooksOf } from "@artifact-store/runtime/webhooks";

// Scheduled only: sends the outbox's due deliveries. It has no route of its own.
export const app = createFunctionApp();

export const handler = httpOrScheduled(app, async () => webhooksOf(await readyCatalogRuntime()).deliverDue());
