export { checkTarget, refusedAddress } from "./target-guard";
export { type DeliveryRun, type SubscribeRequest, type WebhookSettings, Webhooks } from "./webhooks";
