import type { WebhookDelivery, WebhookSubscription } from "@artifact-store/core";
import type { WebhookDeliveryView, WebhookView } from "./schemas";

/** Never the secret: it is shown once, when the subscription is made. */
export const webhookView = (subscription: WebhookSubscription): WebhookView => ({
  id: subscription.id,
  url: subscription.url,
  events: subscription.events,
  filters: subscription.filters,
  owner: subscription.artifactOwner,
  createdBy: subscription.createdBy,
  description: subscription.description,
  createdAt: subscription.createdAt.toISOString(),
  state: subscription.pausedAt ? "paused" : "active",
  pausedAt: subscription.pausedAt?.toISOString() ?? null,
  pausedReason: subscription.pausedReason,
});

export const webhookDeliveryView = (delivery: WebhookDelivery): WebhookDeliveryView => ({
  id: delivery.id,
  webhookId: delivery.subscriptionId,
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  artifactId: delivery.artifactId,
  state: delivery.state,
  attempts: delivery.attempts,
  nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
  createdAt: delivery.createdAt.toISOString(),
  deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  attemptLog: delivery.attemptLog.map((attempt) => ({ ...attempt, at: attempt.at.toISOString() })),
});
