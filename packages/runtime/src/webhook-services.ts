import { WebhookRecords } from "@artifact-store/catalog";
import { Webhooks } from "@artifact-store/webhooks";
import { service } from "./service";

/** Webhook subscriptions, and delivery of the catalogue's outbox to them. */
export const webhooksOf = /* @__PURE__ */ service(
  (runtime) => new Webhooks(new WebhookRecords(runtime.catalog.db), runtime.config.webhooks),
);
