import type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookEventType,
  WebhookFilters,
  WebhookPayload,
  WebhookSubscription,
} from "@artifact-store/core";
import type { Database } from "./database";
import {
  type Row,
  toDate,
  toIsoOrNull,
  toJson,
  toNullableDate,
  toNullableNumber,
  toNullableText,
} from "./row-values";

const subscriptionFromRow = (row: Row): WebhookSubscription => ({
  id: String(row.id),
  createdBy: String(row.created_by),
  artifactOwner: toNullableText(row.artifact_owner),
  url: String(row.url),
  events: row.event_types as WebhookEventType[],
  filters: {
    tags: (row.filter_tags as string[] | null) ?? [],
    contentType: toNullableText(row.filter_content_type),
    jobId: toNullableText(row.filter_job_id),
  },
  description: toNullableText(row.description),
  createdAt: toDate(row.created_at),
  pausedAt: toNullableDate(row.paused_at),
  pausedReason: toNullableText(row.paused_reason),
});

const attemptFromRow = (row: Row): WebhookAttempt => ({
  attempt: Number(row.attempt),
  at: toDate(row.at),
  status: toNullableNumber(row.status),
  latencyMs: Number(row.latency_ms),
  responseExcerpt: toNullableText(row.response_excerpt),
  error: toNullableText(row.error),
});

const deliveryFromRow = (row: Row, attemptLog: WebhookAttempt[] = []): WebhookDelivery => ({
  id: String(row.id),
  subscriptionId: String(row.subscription_id),
  eventId: String(row.event_id),
  eventType: String(row.type) as WebhookEventType,
  artifactId: toNullableText(row.artifact_id),
  state: String(row.state) as WebhookDelivery["state"],
  attempts: Number(row.attempts),
  nextAttemptAt: row.state === "pending" ? toNullableDate(row.next_attempt_at) : null,
  createdAt: toDate(row.created_at),
  deliveredAt: toNullableDate(row.delivered_at),
  attemptLog,
});

/** A delivery a sender holds: what to send, where, and signed with what. */
export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  secret: string;
  payload: WebhookPayload;
  /** Attempts made before this one, since it was (re)queued. */
  attempts: number;
}

export interface NewSubscription {
  id: string;
  createdBy: string;
  artifactOwner: string | null;
  url: string;
  events: readonly WebhookEventType[];
  filters: WebhookFilters;
  description: string | null;
  secret: string;
  createdAt: Date;
}

/** When a subscription that keeps failing is paused. */
export interface PausePolicy {
  /** Deliveries in a row whose every attempt failed. */
  exhaustedDeliveries: number;
  /** Failing with no success in between for this long. */
  failingForSeconds: number;
}

/** Subscriptions, their queued deliveries and the log of every attempt. */
export class WebhookRecords {
  constructor(private readonly db: Database) {}

  async createSubscription(subscription: NewSubscription): Promise<WebhookSubscription> {
    const [row] = await this.db.query<Row>(
      `insert into webhook_subscriptions (id, created_by, artifact_owner, url, event_types, filter_tags,
         filter_content_type, filter_job_id, secret, description, created_at)
       values ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8, $9, $10, $11::timestamptz) returning *`,
      [
        subscription.id,
        subscription.createdBy,
        subscription.artifactOwner,
        subscription.url,
        subscription.events,
        subscription.filters.tags,
        subscription.filters.contentType,
        subscription.filters.jobId,
        subscription.secret,
        subscription.description,
        subscription.createdAt.toISOString(),
      ],
    );
    return subscriptionFromRow(row as Row);
  }

  async findSubscription(id: string): Promise<WebhookSubscription | null> {
    const [row] = await this.db.query<Row>(
      "select * from webhook_subscriptions where id = $1 and deleted_at is null",
      [id],
    );
    return row ? subscriptionFromRow(row) : null;
  }

  /** Live subscriptions, newest first; those `createdBy` made, or everyone's when null. */
  async listSubscriptions(createdBy: string | null): Promise<WebhookSubscription[]> {
    const rows = await this.db.query<Row>(
      `select * from webhook_subscriptions
       where deleted_at is null and ($1::text is null or created_by = $1)
       order by created_at desc, id limit 1000`,
      [createdBy],
    );
    return rows.map(subscriptionFromRow);
  }

  /** Deletes a subscription; what it had queued is never sent. */
  async deleteSubscription(id: string, at: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query(
        `update webhook_subscriptions set deleted_at = $2::timestamptz
         where id = $1 and deleted_at is null returning id`,
        [id, at.toISOString()],
      );
      await tx.query(
        "update webhook_deliveries set state = 'failed' where subscription_id = $1 and state = 'pending'",
        [id],
      );
      return rows.length > 0;
    });
  }

  async resumeSubscription(id: string): Promise<WebhookSubscription | null> {
    const [row] = await this.db.query<Row>(
      `update webhook_subscriptions set paused_at = null, paused_reason = null, failing_since = null,
         exhausted_in_a_row = 0
       where id = $1 and deleted_at is null returning *`,
      [id],
    );
    return row ? subscriptionFromRow(row) : null;
  }

  /** A subscription's deliveries, newest first, each with its attempts. */
  async listDeliveries(subscriptionId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db.query<Row>(
      `select d.*, e.type from webhook_deliveries d join webhook_events e on e.id = d.event_id
       where d.subscription_id = $1 order by d.event_seq desc limit $2`,
      [subscriptionId, limit],
    );
    if (rows.length === 0) return [];
    const attempts = await this.db.query<Row>(
      "select * from webhook_attempts where delivery_id = any($1::uuid[]) order by attempt",
      [rows.map((row) => String(row.id))],
    );
    return rows.map((row) =>
      deliveryFromRow(row, attempts.filter((attempt) => attempt.delivery_id === row.id).map(attemptFromRow)),
    );
  }

  /** The delivery and the subscription it belongs to (deleted subscriptions excluded). */
  async findDelivery(
    id: string,
  ): Promise<{ delivery: WebhookDelivery; subscription: WebhookSubscription } | null> {
    const [row] = await this.db.query<Row>(
      `select d.*, e.type from webhook_deliveries d join webhook_events e on e.id = d.event_id
       where d.id = $1`,
      [id],
    );
    if (!row) return null;
    const subscription = await this.findSubscription(String(row.subscription_id));
    return subscription ? { delivery: deliveryFromRow(row), subscription } : null;
  }

  /** Queues a delivery again, due now, with a fresh round of attempts. */
  async requeueDelivery(id: string, at: Date): Promise<WebhookDelivery | null> {
    await this.db.query(
      `update webhook_deliveries set state = 'pending', attempts = 0, next_attempt_at = $2::timestamptz
       where id = $1`,
      [id, at.toISOString()],
    );
    return (await this.findDelivery(id))?.delivery ?? null;
  }

  /**
   * Claims up to `limit` due deliveries until `holdUntil`. Only the earliest pending delivery of
   * an artifact to a subscription is ever due, so events of one artifact arrive in order; rows
   * other senders hold are skipped, so senders on many instances never send one twice.
   */
  async claimDue(now: Date, holdUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Row>(
        `select d.id, d.subscription_id, d.attempts, s.url, s.secret, e.payload
         from webhook_deliveries d
           join webhook_subscriptions s on s.id = d.subscription_id
           join webhook_events e on e.id = d.event_id
         where d.state = 'pending' and d.next_attempt_at <= $1::timestamptz
           and s.deleted_at is null and s.paused_at is null
           and not exists (
             select 1 from webhook_deliveries earlier
             where earlier.subscription_id = d.subscription_id and earlier.artifact_id = d.artifact_id
               and earlier.state = 'pending' and earlier.event_seq < d.event_seq)
         order by d.next_attempt_at, d.event_seq
         limit $2
         for update of d skip locked`,
        [now.toISOString(), limit],
      );
      if (rows.length === 0) return [];
      await tx.query(
        "update webhook_deliveries set next_attempt_at = $2::timestamptz where id = any($1::uuid[])",
        [rows.map((row) => String(row.id)), holdUntil.toISOString()],
      );
      return rows.map((row) => ({
        id: String(row.id),
        subscriptionId: String(row.subscription_id),
        url: String(row.url),
        secret: String(row.secret),
        payload: toJson<WebhookPayload>(row.payload),
        attempts: Number(row.attempts),
      }));
    });
  }

  /**
   * Logs an attempt and moves the delivery on: delivered; due again at `retryAt`; or, with no
   * retry left, failed. Failures count against the subscription, which is paused (with a reason
   * its owner reads) once it has failed as long or as often as the policy allows.
   */
  async recordAttempt(
    claimed: ClaimedDelivery,
    attempt: Omit<WebhookAttempt, "attempt">,
    retryAt: Date | null,
    policy: PausePolicy,
  ): Promise<void> {
    const ok = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into webhook_attempts (delivery_id, attempt, at, status, latency_ms, response_excerpt, error)
         values ($1, (select count(*) + 1 from webhook_attempts where delivery_id = $1), $2::timestamptz,
           $3, $4, $5, $6)`,
        [
          claimed.id,
          attempt.at.toISOString(),
          attempt.status,
          attempt.latencyMs,
          attempt.responseExcerpt,
          attempt.error,
        ],
      );
      if (ok) {
        await tx.query(
          `update webhook_deliveries set state = 'delivered', attempts = attempts + 1,
             delivered_at = $2::timestamptz, next_attempt_at = null where id = $1`,
          [claimed.id, attempt.at.toISOString()],
        );
        await tx.query(
          "update webhook_subscriptions set failing_since = null, exhausted_in_a_row = 0 where id = $1",
          [claimed.subscriptionId],
        );
        return;
      }
      await tx.query(
        `update webhook_deliveries set attempts = attempts + 1, next_attempt_at = $2::timestamptz,
           state = case when $2::timestamptz is null then 'failed' else 'pending' end
         where id = $1`,
        [claimed.id, toIsoOrNull(retryAt)],
      );
      const at = attempt.at.toISOString();
      await tx.query(
        `update webhook_subscriptions s set
           failing_since = coalesce(s.failing_since, $2::timestamptz),
           exhausted_in_a_row = s.exhausted_in_a_row + $3::int,
           paused_at = case when s.paused_at is null and (s.exhausted_in_a_row + $3::int >= $4::int
               or $2::timestamptz - coalesce(s.failing_since, $2::timestamptz) >= make_interval(secs => $5::int))
             then $2::timestamptz else s.paused_at end,
           paused_reason = case when s.paused_at is null and s.exhausted_in_a_row + $3::int >= $4::int
               then format('%s deliveries in a row failed every attempt; last: %s', s.exhausted_in_a_row + $3::int, $6::text)
             when s.paused_at is null
               and $2::timestamptz - coalesce(s.failing_since, $2::timestamptz) >= make_interval(secs => $5::int)
               then format('failing since %s with no success; last: %s', s.failing_since, $6::text)
             else s.paused_reason end
         where s.id = $1`,
        [
          claimed.subscriptionId,
          at,
          retryAt ? 0 : 1,
          policy.exhaustedDeliveries,
          policy.failingForSeconds,
          attempt.error ?? `HTTP ${attempt.status}`,
        ],
      );
    });
  }
}
