import type { Migration } from "./migration";

export const migration: Migration = {
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
};
