import type { Migration } from "./migration";

export const migration: Migration = {
  version: 9,
  name: "webhooks: subscriptions, the event outbox, deliveries and their attempts",
  sql: `
      create table webhook_subscriptions (
        id uuid primary key,
        created_by text not null,
        -- Whose artifacts it follows; null: everyone's (only admins make such subscriptions).
        artifact_owner text,
        url text not null,
        event_types text[] not null,
        filter_tags text[] not null default '{}',
        filter_content_type text,
        filter_job_id text,
        -- Standard Webhooks secret (whsec_...): it signs, so it must be readable, never shown again.
        secret text not null,
        description text,
        created_at timestamptz not null,
        deleted_at timestamptz,
        paused_at timestamptz,
        paused_reason text,
        -- Set by the first failure since the last success: a subscription failing for a day is paused.
        failing_since timestamptz,
        -- Deliveries whose every attempt failed, in a row.
        exhausted_in_a_row integer not null default 0
      );
      create index webhook_subscriptions_live on webhook_subscriptions (created_by, created_at)
        where deleted_at is null;

      -- The outbox: written in the transaction of the change it reports.
      create table webhook_events (
        id uuid primary key,
        seq bigserial not null unique,
        type text not null,
        artifact_id uuid,
        owner_id text not null,
        occurred_at timestamptz not null,
        payload jsonb not null
      );

      create table webhook_deliveries (
        id uuid primary key,
        event_id uuid not null references webhook_events (id),
        subscription_id uuid not null references webhook_subscriptions (id),
        -- The event's seq: deliveries of one artifact to one subscription go out in this order.
        event_seq bigint not null,
        artifact_id uuid,
        state text not null check (state in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        -- When it is due; a sender holding it pushes this forward while it sends.
        next_attempt_at timestamptz,
        created_at timestamptz not null,
        delivered_at timestamptz,
        unique (event_id, subscription_id)
      );
      create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending';
      create index webhook_deliveries_order on webhook_deliveries (subscription_id, artifact_id, event_seq)
        where state = 'pending';
      create index webhook_deliveries_by_subscription on webhook_deliveries (subscription_id, created_at desc);

      create table webhook_attempts (
        delivery_id uuid not null references webhook_deliveries (id),
        attempt integer not null,
        at timestamptz not null,
        status integer,
        latency_ms integer not null,
        response_excerpt text,
        error text,
        primary key (delivery_id, attempt)
      );
    `,
};
