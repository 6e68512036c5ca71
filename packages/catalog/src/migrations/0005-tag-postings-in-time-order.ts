import type { Migration } from "./migration";

export const migration: Migration = {
  version: 5,
  name: "search: tag postings in time order, media type by time",
  sql: `
      -- One posting per tag of each artifact, ordered by tag then time, carrying the columns every
      -- search filters on (who may see it, its state, its media type): a newest-first search by tag
      -- reads its page straight off this index and visits the artifacts of that page only, where
      -- the GIN index on tags hands back every match unordered. Triggers keep it in step.
      create table artifact_tags (
        tag text not null,
        created_at timestamptz not null,
        artifact_id uuid not null references artifacts (id) on delete cascade,
        owner_id text not null,
        visibility text not null,
        state text not null,
        media_type text not null,
        primary key (tag, created_at, artifact_id) include (owner_id, visibility, state, media_type)
      );
      create index artifact_tags_artifact on artifact_tags (artifact_id);
      -- A user's own artifacts with a tag: a range of this index, however common the tag is.
      create index artifact_tags_owner on artifact_tags (owner_id, tag, created_at, artifact_id)
        include (state, media_type);
      insert into artifact_tags
        select distinct tag, created_at, id, owner_id, visibility, state, media_type
        from artifacts, unnest(tags) as tag;

      -- Statement-level, so a bulk insert or reindex writes the postings in one set-based step.
      create function artifact_tags_inserted() returns trigger language plpgsql as $$
      begin
        insert into artifact_tags
          select distinct tag, n.created_at, n.id, n.owner_id, n.visibility, n.state, n.media_type
          from inserted n, unnest(n.tags) as tag;
        return null;
      end $$;
      create trigger artifact_tags_on_insert after insert on artifacts
        referencing new table as inserted for each statement execute function artifact_tags_inserted();

      create function artifact_tags_updated() returns trigger language plpgsql as $$
      begin
        delete from artifact_tags t using before_rows o join after_rows n on o.id = n.id
          where t.artifact_id = o.id
            and (o.tags, o.created_at, o.owner_id, o.visibility, o.state, o.media_type)
              is distinct from (n.tags, n.created_at, n.owner_id, n.visibility, n.state, n.media_type);
        insert into artifact_tags
          select distinct tag, n.created_at, n.id, n.owner_id, n.visibility, n.state, n.media_type
          from before_rows o join after_rows n on o.id = n.id, unnest(n.tags) as tag
          where (o.tags, o.created_at, o.owner_id, o.visibility, o.state, o.media_type)
            is distinct from (n.tags, n.created_at, n.owner_id, n.visibility, n.state, n.media_type);
        return null;
      end $$;
      create trigger artifact_tags_on_update after update on artifacts
        referencing old table as before_rows new table as after_rows
        for each statement execute function artifact_tags_updated();

      create index artifacts_media_type_created on artifacts (media_type, created_at, id);
      -- Host and fetch time together: a crawl's pages of one site over a period.
      create index artifacts_source_host_fetched on artifacts (source_host, fetched_at)
        where source_host is not null;
    `,
};
