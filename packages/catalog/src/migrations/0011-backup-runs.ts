import type { Migration } from "./migration";

export const migration: Migration = {
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
};
