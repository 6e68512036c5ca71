import * as v from "valibot";
import { CrawlId, Id, MediaTypeFilter, UserId } from "../common/schemas";

export const WebhookEventType = v.picklist([
  "artifact.available",
  "artifact.verified",
  "artifact.corrupt",
  "artifact.deleted",
  "upload.expired",
]);
const WebhookTag = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._:/-]{0,63}$/, "must be a tag"));
export const CreateWebhookBody = v.strictObject({
  /** http(s); refused when its host resolves to a non-public address (unless configured otherwise). */
  url: v.pipe(v.string(), v.maxLength(2048), v.url("must be an absolute http(s) URL")),
  events: v.pipe(v.array(WebhookEventType), v.minLength(1)),
  filters: v.optional(
    v.strictObject({
      /** Tags the artifact must all carry. */
      tags: v.optional(v.pipe(v.array(WebhookTag), v.maxLength(20))),
      /** A media type, or a family such as image/*. */
      contentType: v.optional(MediaTypeFilter),
      jobId: v.optional(CrawlId),
    }),
  ),
  /** Whose artifacts: the caller's by default; admins may name another owner, or `*` for everyone's. */
  owner: v.optional(UserId),
  description: v.optional(v.pipe(v.string(), v.maxLength(500))),
});
export const WebhookParams = v.strictObject({ webhookId: Id });
export const WebhookDeliveryParams = v.strictObject({ deliveryId: Id });
export const ListWebhooksQuery = v.strictObject({ createdBy: v.optional(UserId) });
export const WebhookDeliveriesQuery = v.strictObject({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200))),
});
export const WebhookView = v.object({
  id: Id,
  url: v.string(),
  events: v.array(WebhookEventType),
  filters: v.object({
    tags: v.array(v.string()),
    contentType: v.nullable(v.string()),
    jobId: v.nullable(v.string()),
  }),
  /** Whose artifacts it follows; null: everyone's. */
  owner: v.nullable(v.string()),
  createdBy: v.string(),
  description: v.nullable(v.string()),
  createdAt: v.string(),
  state: v.picklist(["active", "paused"]),
  pausedAt: v.nullable(v.string()),
  /** Why delivery stopped; resume with POST /v1/webhooks/{id}/resume. */
  pausedReason: v.nullable(v.string()),
});
export type WebhookView = v.InferOutput<typeof WebhookView>;
export const CreatedWebhook = v.object({ ...WebhookView.entries, secret: v.string() });
export const WebhookList = v.object({ webhooks: v.array(WebhookView) });
export const WebhookAttemptView = v.object({
  attempt: v.number(),
  at: v.string(),
  status: v.nullable(v.number()),
  latencyMs: v.number(),
  responseExcerpt: v.nullable(v.string()),
  error: v.nullable(v.string()),
});
export const WebhookDeliveryView = v.object({
  /** Also the `webhook-id` header of every attempt. */
  id: Id,
  webhookId: Id,
  eventId: Id,
  eventType: WebhookEventType,
  artifactId: v.nullable(v.string()),
  state: v.picklist(["pending", "delivered", "failed"]),
  attempts: v.number(),
  nextAttemptAt: v.nullable(v.string()),
  createdAt: v.string(),
  deliveredAt: v.nullable(v.string()),
  attemptLog: v.array(WebhookAttemptView),
});
export type WebhookDeliveryView = v.InferOutput<typeof WebhookDeliveryView>;
export const WebhookDeliveryList = v.object({ deliveries: v.array(WebhookDeliveryView) });
