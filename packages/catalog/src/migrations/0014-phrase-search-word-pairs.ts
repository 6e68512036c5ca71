import type { Migration } from "./migration";

export const migration: Migration = {
  version: 14,
  name: "full-text phrases: adjacent word pairs, indexed",
  sql: `
      -- GIN over a tsvector keeps no word positions, so a quoted phrase of common words ("product
      -- report") matched every artifact holding both words, each rechecked on the heap. Every
      -- pair of adjacent lexemes, indexed, narrows a phrase to the artifacts that hold its pairs;
      -- the tsquery then checks the whole phrase. Positions come from the same parser as the
      -- query's, so an artifact matching a phrase always holds all of its pairs. Pairs are kept
      -- as 4-byte hashes: a collision only lets the tsquery check one more row, and the column
      -- adds a quarter of what the words would to every row.
      create function tsvector_adjacent_pairs(doc tsvector) returns integer[]
        language sql immutable strict parallel safe as $$
          select coalesce(array_agg(distinct hashtext(a.lexeme || ' ' || b.lexeme)), '{}')
          from (select lexeme, unnest(positions) as pos from unnest(doc)) as a
          join (select lexeme, unnest(positions) as pos from unnest(doc)) as b on b.pos = a.pos + 1
        $$;
      -- The same document as search_text (migration 3): a generated column cannot read another.
      alter table artifacts add column search_pairs integer[] generated always as (
        tsvector_adjacent_pairs(to_tsvector('english'::regconfig,
          coalesce(metadata->>'title', '') || ' ' ||
          filename || ' ' || regexp_replace(filename, '[^[:alnum:]]+', ' ', 'g') || ' ' ||
          coalesce(source_url, '') || ' ' ||
          regexp_replace(coalesce(source_url, ''), '[^[:alnum:]]+', ' ', 'g')))
      ) stored;
      create index artifacts_search_pairs on artifacts using gin (search_pairs);
    `,
};
