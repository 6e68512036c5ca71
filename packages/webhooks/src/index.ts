export { checkTarget, PRIVATE_RANGES_SETTING, parsePrivateRanges, refusedAddress } from "./target-guard";
export { type DeliveryRun, type SubscribeRequest, type WebhookSettings, Webhooks } from "./webhooks";
