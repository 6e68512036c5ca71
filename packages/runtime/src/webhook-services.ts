import { WebhookRecords } from "@artifact-store/catalog";
import { Webhooks } from "@artifact-store/webhooks";
import type { CatalogRuntime } from "./catalog-runtime";
import { provided } from "./provided";

/** Webhook subscriptions, and delivery of the catalogue's outbox to them. */
export const webhooksOf = (runtime: CatalogRuntime): Webhooks =>
  provided(
    runtime,
    "webhooks",
    () => new Webhooks(new WebhookRecords(runtime.catalog.db), runtime.config.webhooks),
  );
