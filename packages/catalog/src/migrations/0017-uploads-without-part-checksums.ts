import type { Migration } from "./migration";

export const migration: Migration = {
  version: 17,
  name: "uploads whose part URLs carry no checksums, by the uploader's choice",
  sql: `
      -- 'none': the uploader (Uppy, which signs a part before it sees its bytes) chose part URLs
      -- without Content-MD5; its artifact is proven only by the verifier's hash of the stored bytes.
      alter table upload_sessions add column part_checksums text not null default 'signed'
        check (part_checksums in ('signed', 'none'));
    `,
};
