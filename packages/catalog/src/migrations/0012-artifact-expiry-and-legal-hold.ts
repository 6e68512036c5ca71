import type { Migration } from "./migration";

export const migration: Migration = {
  version: 12,
  name: "artifact lifecycle: per-artifact expiry and legal hold",
  sql: `
      alter table artifacts
        add column expires_at timestamptz,
        -- While on, nothing deletes the artifact: not its owner, not an admin, not expiry.
        add column legal_hold boolean not null default false,
        add column legal_hold_by text,
        add column legal_hold_at timestamptz,
        add column legal_hold_reason text;
      -- What the expiry job looks for: live artifacts past their expiry and not held.
      create index artifacts_expiring on artifacts (expires_at)
        where expires_at is not null and not legal_hold and state <> 'deleted';
    `,
};
