import type { Migration } from "./migration";

export const migration: Migration = {
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
};
