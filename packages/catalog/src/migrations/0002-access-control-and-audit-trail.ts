import type { Migration } from "./migration";

export const migration: Migration = {
  version: 2,
  name: "access control: api keys, grants, rate limits; audit trail",
  sql: `
      create table api_keys (
        id text primary key,
        subject text not null,
        name text not null,
        scopes text[] not null,
        secret_hash text not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      );

      create table artifact_grants (
        artifact_id uuid not null references artifacts (id),
        grantee text not null,
        granted_by text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz,
        primary key (artifact_id, grantee)
      );
      create index artifact_grants_grantee on artifact_grants (grantee);

      create table rate_limit_windows (
        principal text not null,
        window_start timestamptz not null,
        hits integer not null,
        primary key (principal, window_start)
      );

      create table audit_events (
        seq bigint primary key,
        at timestamptz not null,
        actor text not null,
        action text not null,
        artifact_id uuid,
        upload_id uuid,
        target text,
        outcome text not null check (outcome in ('allowed', 'denied', 'failed')),
        status integer not null,
        reason text,
        request_id text not null,
        source_ip text,
        user_agent text,
        prev_hash text not null,
        hash text not null
      );
      create index audit_events_actor on audit_events (actor, seq);
      create index audit_events_artifact on audit_events (artifact_id, seq) where artifact_id is not null;
      create index audit_events_action on audit_events (action, seq);
      create index audit_events_at on audit_events (at);

      -- Append-only in the engine too; the hash chain catches whoever disables this.
      create function audit_events_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_events is append-only';
      end $$;
      create trigger audit_events_no_change before update or delete on audit_events
        for each row execute function audit_events_append_only();

      create table audit_exports (
        from_seq bigint primary key,
        to_seq bigint not null,
        object_key text not null,
        last_hash text not null,
        exported_at timestamptz not null default now()
      );
    `,
};
