import type { Migration } from "./migration";

export const migration: Migration = {
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
};
