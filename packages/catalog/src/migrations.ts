import type { Database } from "./database";

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a released migration is never edited, a change is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "artifacts and upload sessions",
    sql: `
      create table artifacts (
        id uuid primary key,
        owner_id text not null,
        object_key text not null unique,
        filename text not null,
        content_type text not null,
        size bigint not null check (size >= 0),
        sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
        metadata jsonb not null default '{}',
        tags text[] not null default '{}',
        visibility text not null default 'private' check (visibility in ('private', 'public')),
        state text not null check (state in ('pending', 'uploaded', 'verified', 'corrupt', 'deleted')),
        etag text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        uploaded_at timestamptz,
        deleted_at timestamptz
      );
      create index artifacts_owner_created on artifacts (owner_id, created_at desc);
      create index artifacts_sha256 on artifacts (sha256);

      create table upload_sessions (
        id uuid primary key,
        artifact_id uuid not null references artifacts (id),
        owner_id text not null,
        object_key text not null,
        mode text not null check (mode in ('single', 'multipart')),
        storage_upload_id text,
        part_size bigint not null,
        part_count integer not null,
        size bigint not null,
        state text not null check (state in ('open', 'completed', 'aborted')),
        expires_at timestamptz not null,
        created_at timestamptz not null default now(),
        completed_at timestamptz
      );
      create index upload_sessions_open_by_expiry on upload_sessions (expires_at) where state = 'open';
      create index upload_sessions_artifact on upload_sessions (artifact_id);
    `,
  },
  {
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
  },
  {
    version: 3,
    name: "crawl provenance and search indexes",
    sql: `
      -- Metadata written through a PostgreSQL server was stored JSON-encoded twice (a jsonb
      -- string holding the object); valid metadata is always an object, so unwrap those.
      update artifacts set metadata = (metadata #>> '{}')::jsonb where jsonb_typeof(metadata) = 'string';

      alter table artifacts
        add column source_url text,
        add column source_host text,
        add column final_url text,
        add column http_status integer check (http_status between 100 and 599),
        add column fetched_at timestamptz,
        add column job_id text,
        add column run_id text,
        add column user_agent text,
        add column response_headers jsonb not null default '{}',
        -- The media type without parameters, for exact and family (image/*) filters.
        add column media_type text generated always as
          (lower(btrim(split_part(content_type, ';', 1)))) stored,
        -- Free text over filename, source URL and metadata.title: each as written (so hosts and
        -- paths stay whole tokens) and split at punctuation (so their words match on their own).
        add column search_text tsvector generated always as (
          to_tsvector('english'::regconfig,
            coalesce(metadata->>'title', '') || ' ' ||
            filename || ' ' || regexp_replace(filename, '[^[:alnum:]]+', ' ', 'g') || ' ' ||
            coalesce(source_url, '') || ' ' ||
            regexp_replace(coalesce(source_url, ''), '[^[:alnum:]]+', ' ', 'g'))
        ) stored;

      alter table artifacts add constraint artifacts_metadata_object
        check (jsonb_typeof(metadata) = 'object');
      alter table artifacts add constraint artifacts_response_headers_object
        check (jsonb_typeof(response_headers) = 'object');

      create index artifacts_created on artifacts (created_at, id);
      create index artifacts_size on artifacts (size, id);
      create index artifacts_filename on artifacts (filename, id);
      create index artifacts_tags on artifacts using gin (tags);
      create index artifacts_metadata on artifacts using gin (metadata jsonb_path_ops);
      create index artifacts_search_text on artifacts using gin (search_text);
      create index artifacts_media_type on artifacts (media_type text_pattern_ops);
      create index artifacts_source_url on artifacts (source_url text_pattern_ops)
        where source_url is not null;
      create index artifacts_source_host on artifacts (source_host, created_at)
        where source_host is not null;
      create index artifacts_fetched_at on artifacts (fetched_at) where fetched_at is not null;
      create index artifacts_job on artifacts (job_id) where job_id is not null;
      create index artifacts_run on artifacts (run_id) where run_id is not null;
      create index artifacts_public_created on artifacts (created_at, id) where visibility = 'public';
      -- Deduplication looks up the owner's live copies of a hash.
      create index artifacts_owner_sha256 on artifacts (owner_id, sha256, size)
        where state in ('uploaded', 'verified');
    `,
  },
  {
    version: 4,
    name: "artifact versions and history",
    sql: `
      -- Counts changes of metadata, tags and visibility; If-Match compares against it.
      alter table artifacts add column version integer not null default 1 check (version >= 1);

      -- Each state a change replaced, written in the transaction that replaced it.
      create table artifact_versions (
        artifact_id uuid not null references artifacts (id),
        version integer not null,
        metadata jsonb not null,
        tags text[] not null,
        visibility text not null,
        changed_by text not null,
        changed_at timestamptz not null,
        primary key (artifact_id, version)
      );
    `,
  },
];

// Any constant shared by every process that migrates this schema.
const MIGRATION_LOCK = 7_031_337;

/**
 * Applies missing migrations in one transaction under an advisory lock, so many function
 * instances starting at once migrate exactly once and never see a half-made schema.
 */
export const migrate = async (db: Database): Promise<number[]> =>
  db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set(
      (await tx.query<{ version: number }>("select version from schema_migrations")).map(
        (row) => row.version,
      ),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query("insert into schema_migrations (version, name) values ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
