import type { Migration } from "./migration";

export const migration: Migration = {
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
};
