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
  {
    version: 5,
    name: "search: tag postings in time order, media type by time",
    sql: `
      -- One posting per tag of each artifact, ordered by tag then time, carrying the columns every
      -- search filters on (who may see it, its state, its media type): a newest-first search by tag
      -- reads its page straight off this index and visits the artifacts of that page only, where
      -- the GIN index on tags hands back every match unordered. Triggers keep it in step.
      create table artifact_tags (
        tag text not null,
        created_at timestamptz not null,
        artifact_id uuid not null references artifacts (id) on delete cascade,
        owner_id text not null,
        visibility text not null,
        state text not null,
        media_type text not null,
        primary key (tag, created_at, artifact_id) include (owner_id, visibility, state, media_type)
      );
      create index artifact_tags_artifact on artifact_tags (artifact_id);
      -- A user's own artifacts with a tag: a range of this index, however common the tag is.
      create index artifact_tags_owner on artifact_tags (owner_id, tag, created_at, artifact_id)
        include (state, media_type);
      insert into artifact_tags
        select distinct tag, created_at, id, owner_id, visibility, state, media_type
        from artifacts, unnest(tags) as tag;

      -- Statement-level, so a bulk insert or reindex writes the postings in one set-based step.
      create function artifact_tags_inserted() returns trigger language plpgsql as $$
      begin
        insert into artifact_tags
          select distinct tag, n.created_at, n.id, n.owner_id, n.visibility, n.state, n.media_type
          from inserted n, unnest(n.tags) as tag;
        return null;
      end $$;
      create trigger artifact_tags_on_insert after insert on artifacts
        referencing new table as inserted for each statement execute function artifact_tags_inserted();

      create function artifact_tags_updated() returns trigger language plpgsql as $$
      begin
        delete from artifact_tags t using before_rows o join after_rows n on o.id = n.id
          where t.artifact_id = o.id
            and (o.tags, o.created_at, o.owner_id, o.visibility, o.state, o.media_type)
              is distinct from (n.tags, n.created_at, n.owner_id, n.visibility, n.state, n.media_type);
        insert into artifact_tags
          select distinct tag, n.created_at, n.id, n.owner_id, n.visibility, n.state, n.media_type
          from before_rows o join after_rows n on o.id = n.id, unnest(n.tags) as tag
          where (o.tags, o.created_at, o.owner_id, o.visibility, o.state, o.media_type)
            is distinct from (n.tags, n.created_at, n.owner_id, n.visibility, n.state, n.media_type);
        return null;
      end $$;
      create trigger artifact_tags_on_update after update on artifacts
        referencing old table as before_rows new table as after_rows
        for each statement execute function artifact_tags_updated();

      create index artifacts_media_type_created on artifacts (media_type, created_at, id);
      -- Host and fetch time together: a crawl's pages of one site over a period.
      create index artifacts_source_host_fetched on artifacts (source_host, fetched_at)
        where source_host is not null;
    `,
  },
  {
    version: 6,
    name: "artifact verification: integrity, verified_at, verifier claims",
    sql: `
      alter table artifacts
        -- When the bytes last matched the declared size and SHA-256.
        add column verified_at timestamptz,
        -- The last check's outcome: checkedAt, reason, details, sniffedType, contentTypeMismatch.
        add column integrity jsonb check (integrity is null or jsonb_typeof(integrity) = 'object'),
        -- A verifier working on the artifact holds it until then; an expired claim is taken over.
        add column verify_claimed_until timestamptz;
      -- The verifier takes uploaded artifacts oldest first.
      create index artifacts_unverified on artifacts (uploaded_at, id) where state = 'uploaded';
    `,
  },
  {
    version: 7,
    name: "upload part checksums",
    sql: `
      -- The checksums an uploader declared for each part when it asked for the part's URL. They
      -- are signed into that URL, so storage refused any part whose bytes differed; kept so a
      -- verifier can tell a part that rotted later from one that arrived wrong.
      create table upload_part_checksums (
        upload_id uuid not null references upload_sessions (id) on delete cascade,
        part_number integer not null check (part_number between 1 and 10000),
        md5 text not null,
        sha256 text,
        signed_at timestamptz not null default now(),
        primary key (upload_id, part_number)
      );
    `,
  },
  {
    version: 8,
    name: "integrity runs: scrubber and reconciler reports",
    sql: `
      -- One row per scrub or reconcile run: what it checked and what it found.
      create table integrity_runs (
        id uuid primary key,
        kind text not null check (kind in ('scrub', 'reconcile')),
        started_at timestamptz not null,
        finished_at timestamptz,
        summary jsonb not null default '{}',
        findings jsonb not null default '[]'
      );
      create index integrity_runs_recent on integrity_runs (started_at desc);
      -- The scrubber takes verified artifacts least recently verified first.
      create index artifacts_scrub_order on artifacts (verified_at, id) where state = 'verified';
    `,
  },
  {
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
  },
  {
    version: 10,
    name: "storage events: notifications already processed",
    sql: `
      -- One row per bucket notification acted on, so a redelivered one changes nothing.
      create table storage_events (
        bucket text not null,
        object_key text not null,
        event_name text not null,
        -- The record's sequencer, else the object's ETag, else its event time.
        event_ref text not null,
        processed_at timestamptz not null,
        outcome text,
        primary key (bucket, object_key, event_name, event_ref)
      );
      create index upload_sessions_open_by_key on upload_sessions (object_key) where state = 'open';
    `,
  },
  {
    version: 11,
    name: "backup runs: snapshot progress, so a run cut off resumes",
    sql: `
      create table backup_runs (
        snapshot_id text primary key,
        started_at timestamptz not null,
        finished_at timestamptz,
        -- The last artifact id written to the snapshot's manifest (artifacts are read in id order).
        cursor uuid,
        pages integer not null default 0,
        artifacts integer not null default 0,
        bytes bigint not null default 0,
        copied integer not null default 0,
        copied_bytes bigint not null default 0,
        -- Held by the process running it; a run whose claim expired is resumed by the next.
        claimed_until timestamptz
      );
      create index backup_runs_unfinished on backup_runs (started_at) where finished_at is null;
    `,
  },
  {
    version: 12,
    name: "artifact lifecycle: per-artifact expiry and legal hold",
    sql: `
      alter table artifacts
        add column expires_at timestamptz,
        -- While on, nothing deletes the artifact: not its owner, not an admin, not expiry.
        add column legal_hold boolean not null default false,
        add column legal_hold_by text,
        add column legal_hold_at timestamptz,
        add column legal_hold_reason text;
      -- What the expiry job looks for: live artifacts past their expiry and not held.
      create index artifacts_expiring on artifacts (expires_at)
        where expires_at is not null and not legal_hold and state <> 'deleted';
    `,
  },
  {
    // 12 and 13 are taken by artifact lifecycle (expiry and legal hold).
    version: 14,
    name: "full-text phrases: adjacent word pairs, indexed",
    sql: `
      -- GIN over a tsvector keeps no word positions, so a quoted phrase of common words ("product
      -- report") matched every artifact holding both words, each rechecked on the heap. Every
      -- pair of adjacent lexemes, indexed, narrows a phrase to the artifacts that hold its pairs;
      -- the tsquery then checks the whole phrase. Positions come from the same parser as the
      -- query's, so an artifact matching a phrase always holds all of its pairs. Pairs are kept
      -- as 4-byte hashes: a collision only lets the tsquery check one more row, and the column
      -- adds a quarter of what the words would to every row.
      create function tsvector_adjacent_pairs(doc tsvector) returns integer[]
        language sql immutable strict parallel safe as $$
          select coalesce(array_agg(distinct hashtext(a.lexeme || ' ' || b.lexeme)), '{}')
          from (select lexeme, unnest(positions) as pos from unnest(doc)) as a
          join (select lexeme, unnest(positions) as pos from unnest(doc)) as b on b.pos = a.pos + 1
        $$;
      -- The same document as search_text (migration 3): a generated column cannot read another.
      alter table artifacts add column search_pairs integer[] generated always as (
        tsvector_adjacent_pairs(to_tsvector('english'::regconfig,
          coalesce(metadata->>'title', '') || ' ' ||
          filename || ' ' || regexp_replace(filename, '[^[:alnum:]]+', ' ', 'g') || ' ' ||
          coalesce(source_url, '') || ' ' ||
          regexp_replace(coalesce(source_url, ''), '[^[:alnum:]]+', ' ', 'g')))
      ) stored;
      create index artifacts_search_pairs on artifacts using gin (search_pairs);
    `,
  },
  {
    version: 15,
    name: "metadata and free text: planner statistics, indexes of public artifacts",
    sql: `
      -- The planner estimates metadata @> '{...}' from a sample of whole values. With the default
      -- 100 of them, two keys that together hold 1% of artifacts were estimated at 100 rows, so it
      -- fetched all 9,000 matches to sort them instead of walking the newest until a page was
      -- full (47 ms against 7 ms at 1M artifacts). 1,000 resolve shares down to about 0.1%.
      alter table artifacts alter column metadata set statistics 1000;

      -- What a user sees of others' artifacts is their public ones (a fifth, in the bench). To
      -- narrow a metadata, free-text or phrase search to them, the planner intersected the matches
      -- with a bitmap of every public artifact (200,000 entries, 36-50 ms); these hold only public
      -- rows.
      create index artifacts_public_metadata on artifacts using gin (metadata jsonb_path_ops)
        where visibility = 'public';
      create index artifacts_public_search_text on artifacts using gin (search_text)
        where visibility = 'public';
      create index artifacts_public_search_pairs on artifacts using gin (search_pairs)
        where visibility = 'public';
    `,
  },
  {
    version: 16,
    name: "completion that survives a crash; verification retried with backoff",
    sql: `
      -- The ETag the finished object will have, recorded before storage is asked to complete the
      -- multipart upload: a retry after a crash, or a concurrent caller, that finds the upload
      -- gone from storage finishes the catalogue's side when HEAD shows this object.
      alter table upload_sessions add column completing_etag text;

      -- Failed verification attempts in a row (storage away): the claim is released after a
      -- backoff that grows with them, so a transient fault is retried within a minute.
      alter table artifacts add column verify_failures integer not null default 0;
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
