import type { Migration } from "./migration";

export const migration: Migration = {
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
};
