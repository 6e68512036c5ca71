import type { Migration } from "./migration";

export const migration: Migration = {
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
};
