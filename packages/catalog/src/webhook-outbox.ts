import { type Artifact, type WebhookEventType, webhookMediaType, webhookPayload } from "@artifact-store/core";
import type { Sql } from "./database";

/**
 * Appends an artifact's event to the outbox and queues it for every live subscription it
 * matches, in the caller's transaction: the change and its event commit together or not at all.
 * Recipients are chosen here, against the artifact as it is at the change (its tags may change
 * later), so no second pass over the outbox is needed and a delivery is a plain row to claim.
 * Paused subscriptions are queued too: they catch up, in order, when resumed.
 */
export const appendArtifactEvent = async (
  tx: Sql,
  type: WebhookEventType,
  artifact: Artifact,
  at: Date,
  extra: Record<string, unknown> = {},
): Promise<void> => {
  const payload = webhookPayload(type, artifact, at, extra);
  await tx.query(
    `with event as (
       insert into webhook_events (id, type, artifact_id, owner_id, occurred_at, payload)
       values (gen_random_uuid(), $1, $2, $3, $4::timestamptz, $5::text::jsonb)
       returning id, seq, artifact_id, occurred_at)
     insert into webhook_deliveries (id, event_id, subscription_id, event_seq, artifact_id, state,
       next_attempt_at, created_at)
     select gen_random_uuid(), event.id, s.id, event.seq, event.artifact_id, 'pending', event.occurred_at,
       event.occurred_at
     from event cross join webhook_subscriptions s
     where s.deleted_at is null and $1 = any(s.event_types)
       and (s.artifact_owner is null or s.artifact_owner = $3)
       and s.filter_tags <@ $6::text[]
       and (s.filter_content_type is null or s.filter_content_type = $7
         or (s.filter_content_type like '%/*' and split_part(s.filter_content_type, '/', 1) = split_part($7, '/', 1)))
       and (s.filter_job_id is null or s.filter_job_id = $8)`,
    [
      type,
      artifact.id,
      artifact.ownerId,
      at.toISOString(),
      JSON.stringify(payload),
      artifact.tags,
      webhookMediaType(artifact),
      artifact.provenance?.jobId ?? null,
    ],
  );
};
