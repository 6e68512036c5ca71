import type { Migration } from "./migration";

export const migration: Migration = {
  version: 15,
  name: "metadata and free text: planner statistics, indexes of public artifacts",
  sql: `
      -- The planner estimates metadata @> '{...}' from a sample of whole values. With the default
      -- 100 of them, two keys that together hold 1% of artifacts were estimated at 100 rows, so it
      -- fetched all 9,000 matches to sort them instead of walking the newest until a page was
      -- full (47 ms against 7 ms at 1M artifacts). 1,000 resolve shares down to about 0.1%.
      alter table artifacts alter column metadata set statistics 1000;

      -- What a user sees of others' artifacts is their public ones (a fifth, in the bench). To
      -- narrow a metadata, free-text or phrase search to them, the planner intersected the matches
      -- with a bitmap of every public artifact (200,000 entries, 36-50 ms); these hold only public
      -- rows.
      create index artifacts_public_metadata on artifacts using gin (metadata jsonb_path_ops)
        where visibility = 'public';
      create index artifacts_public_search_text on artifacts using gin (search_text)
        where visibility = 'public';
      create index artifacts_public_search_pairs on artifacts using gin (search_pairs)
        where visibility = 'public';
    `,
};
