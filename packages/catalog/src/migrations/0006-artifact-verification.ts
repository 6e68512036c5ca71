import type { Migration } from "./migration";

export const migration: Migration = {
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
};
