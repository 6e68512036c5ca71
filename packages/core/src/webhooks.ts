import { mediaTypeOf } from "./integrity";
import type { Artifact } from "./model";

/** What a subscriber can be told about. */
export const WEBHOOK_EVENT_TYPES = [
  "artifact.available",
  "artifact.verified",
  "artifact.corrupt",
  "artifact.deleted",
  "upload.expired",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Which artifacts' events a subscription receives; every filter given must match. */
export interface WebhookFilters {
  /** Tags the artifact must all carry. */
  tags: string[];
  /** A media type (`text/html`) or a family (`image/*`). */
  contentType: string | null;
  jobId: string | null;
}

export interface WebhookSubscription {
  id: string;
  /** Who made it and may see and manage it (admins manage all). */
  createdBy: string;
  /** Whose artifacts it follows; null: everyone's (admins only). */
  artifactOwner: string | null;
  url: string;
  events: WebhookEventType[];
  filters: WebhookFilters;
  description: string | null;
  createdAt: Date;
  pausedAt: Date | null;
  pausedReason: string | null;
}

export type WebhookDeliveryState = "pending" | "delivered" | "failed";

export interface WebhookAttempt {
  attempt: number;
  at: Date;
  status: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

export interface WebhookDelivery {
  /** Also the message's `webhook-id`: the same on every attempt, so receivers can drop repeats. */
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: WebhookEventType;
  artifactId: string | null;
  state: WebhookDeliveryState;
  /** Attempts since it was (re)queued. */
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
  attemptLog: WebhookAttempt[];
}

/** The body POSTed to subscribers, in the Standard Webhooks shape `{type, timestamp, data}`. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

export const webhookPayload = (
  type: WebhookEventType,
  artifact: Artifact,
  at: Date,
  extra: Record<string, unknown> = {},
): WebhookPayload => ({
  type,
  timestamp: at.toISOString(),
  data: {
    artifactId: artifact.id,
    ownerId: artifact.ownerId,
    state: artifact.state,
    filename: artifact.filename,
    contentType: artifact.contentType,
    size: artifact.size,
    sha256: artifact.sha256,
    tags: artifact.tags,
    visibility: artifact.visibility,
    jobId: artifact.provenance?.jobId ?? null,
    runId: artifact.provenance?.runId ?? null,
    sourceUrl: artifact.provenance?.sourceUrl ?? null,
    integrityReason: artifact.integrity?.reason ?? null,
    ...extra,
  },
});

/** What the subscription filters are matched against: the media type without parameters. */
export const webhookMediaType = (artifact: Artifact): string => mediaTypeOf(artifact.contentType);

/**
 * Seconds before each retry: the first within seconds (a blip), the last about a day after the
 * first attempt (an outage). Eight attempts in all.
 */
export const WEBHOOK_RETRY_DELAYS_SECONDS: readonly number[] = [
  5,
  5 * 60,
  30 * 60,
  2 * 3600,
  5 * 3600,
  10 * 3600,
  10 * 3600,
];

/**
 * When to try again after `attempts` failed attempts, or null when they are spent. Each delay
 * is jittered by ±20% so subscribers recovering from an outage are not hit all at once.
 */
export const nextWebhookAttempt = (attempts: number, now: Date, random: () => number): Date | null => {
  const delay = WEBHOOK_RETRY_DELAYS_SECONDS[attempts - 1];
  if (delay === undefined) return null;
  return new Date(now.getTime() + delay * 1000 * (0.8 + 0.4 * random()));
};
