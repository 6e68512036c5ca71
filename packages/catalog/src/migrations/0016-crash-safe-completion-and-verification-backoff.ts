import type { Migration } from "./migration";

export const migration: Migration = {
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
};
