// Search latency at scale (issue 4): seeds 1,000,000 artifacts in PostgreSQL and 100,000 in PGlite
// with set-based SQL, then times typical searches through the service the search function calls
// (ArtifactSearch over SearchRecords, built as packages/runtime builds it) as an ordinary user and
// as an admin, against a baseline measured in the same process, and prints the PostgreSQL plans;
// then, on PostgreSQL, the same searches while 50 uploads/s are recorded (bench-search-ingest.ts).
// `npx tsx scripts/bench-search.ts` runs it alone.
// Prints tables; asserts nothing.
import { type SearchParams, SearchQuery } from "@artifact-store/api";
import { ArtifactSearch } from "@artifact-store/artifacts";
import { type Database, migrate, openDatabase, SearchRecords, type Sql } from "@artifact-store/catalog";
import type { Principal } from "@artifact-store/core";
import { ensurePostgres } from "@artifact-store/local";
import pMap from "p-map";
import postgres from "postgres";
import * as v from "valibot";
import { startIngestLoad } from "./bench-search-ingest";
import { runAlone, say } from "./bench-stack";
import { printTable } from "./bench-table";

/** Parameters as a query string carries them, read as the route reads them. */
const criteriaOf = (params: SearchParams) => v.parse(SearchQuery, params);

const BENCH_DATABASE = "artifact_store_bench";
/** Issue 4: p95 under 50 ms on PostgreSQL at 1M artifacts. */
export const SEARCH_TARGET_P95_MS = 50;
/** Issue 16: every search keeps p95 under this while INGEST_PER_SECOND uploads are being recorded. */
export const SEARCH_UNDER_INGEST_P95_MS = 25;
const INGEST_PER_SECOND = Number(process.env.BENCH_SEARCH_INGEST_PER_SECOND ?? 50);

/**
 * BENCH_SEARCH_KEEP=1 keeps the seeded PostgreSQL database after the run, and a later run with it
 * set reuses a database that already holds the rows asked for, so plans can be studied without
 * seeding again (a changed migration is not re-applied to it).
 */
const KEEP = process.env.BENCH_SEARCH_KEEP === "1";
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 60);
const DEEP_RUNS = Number(process.env.BENCH_SEARCH_DEEP_RUNS ?? 25);
const DEEP_PAGES = 20;
const WARMUP = 5;

// ---------------------------------------------------------------------------------------------
// Seeding

/** Words of metadata.title (and so of filenames and URL paths); drawn log-uniformly, first = most common. */
const WORDS = [
  "pricing",
  "report",
  "annual",
  "release",
  "notes",
  "climate",
  "market",
  "update",
  "guide",
  "review",
  "travel",
  "recipe",
  "football",
  "election",
  "weather",
  "science",
  "health",
  "music",
  "movie",
  "startup",
  "funding",
  "privacy",
  "policy",
  "security",
  "breach",
  "quarterly",
  "earnings",
  "product",
  "launch",
  "interview",
  "tutorial",
  "database",
  "postgres",
  "search",
  "index",
  "benchmark",
  "garden",
  "energy",
  "solar",
  "battery",
  "electric",
  "vehicle",
  "housing",
  "rent",
  "mortgage",
  "school",
  "university",
  "research",
  "vaccine",
  "hospital",
  "festival",
  "concert",
  "museum",
  "history",
  "ocean",
  "forest",
  "wildlife",
  "coffee",
  "pizza",
  "bicycle",
];

const NAMED_TAGS = [
  "lang:en",
  "html",
  "asset",
  "product",
  "news",
  "screenshot",
  "lang:de",
  "pdf",
  "article",
  "listing",
  "data",
  "lang:fr",
  "blog",
  "review",
  "price",
  "image",
  "archive",
  "lang:es",
  "login-wall",
  "paywall",
  "sitemap",
  "feed",
  "js-rendered",
  "robots-ok",
  "retry",
  "dedup:near",
  "ocr",
  "table",
  "form",
  "video",
];
/** 200 tags, most common first: every artifact also carries crawl:YYYY-MM of its fetch. */
const TAGS = [
  ...NAMED_TAGS,
  ...Array.from({ length: 200 - NAMED_TAGS.length }, (_, n) => `topic:${String(n + 1).padStart(3, "0")}`),
];
const SECTIONS = [
  "news",
  "blog",
  "products",
  "docs",
  "pricing",
  "about",
  "careers",
  "support",
  "events",
  "press",
];
const LANGS = ["en", "de", "fr", "es", "ja", "pt"];
const HOSTS = 300;
const HOST_KINDS = ["news", "shop", "blog", "docs", "forum", "wiki", "store", "jobs", "travel", "recipes"];
const TLDS = ["com", "org", "net", "de", "io"];
const hostName = (n: number) => `www.${HOST_KINDS[n % 10]}${n}.${TLDS[n % 5]}`;
const TYPES = [
  "text/html; charset=utf-8",
  "text/html",
  "application/pdf",
  "image/png",
  "image/jpeg",
  "application/json",
  "application/warc",
];

/**
 * One batch of artifacts, g in [$1, $2]. Owners: half uniform over $3 owners, half log-uniform (a
 * few heavy ones); 20% public; states mostly verified/uploaded; 90% crawled (source URL on one of
 * 300 hosts, log-uniform) with fetched_at over the year before $4 and created_at minutes later;
 * sizes log-uniform 200 B..2 GB; titles of 3-5 words and 0-5 tags beside crawl:YYYY-MM, log-uniform.
 */
const SEED_SQL = `
insert into artifacts (id, owner_id, object_key, filename, content_type, size, sha256, metadata, tags,
  visibility, state, etag, created_at, updated_at, uploaded_at, deleted_at, source_url, source_host,
  final_url, http_status, fetched_at, job_id, run_id, user_agent, response_headers)
select d.id, d.owner_id, 'artifacts/users/' || d.owner_id || '/' || d.id || d.ext,
  d.slug || '-' || r.g || d.ext, d.content_type, d.size, md5('a' || r.g) || md5('b' || r.g),
  jsonb_build_object('title', a.title, 'lang', d.lang, 'site', jsonb_build_object('section', d.section),
    'crawler', 'v' || (1 + r.g % 3)),
  d.tags, d.visibility, d.state,
  case when d.state <> 'pending' then '"' || md5('e' || r.g) || '"' end,
  d.created_at,
  case d.state when 'pending' then d.created_at when 'deleted' then d.created_at + interval '3 days'
    else d.created_at + d.upload_delay end,
  case when d.state <> 'pending' then d.created_at + d.upload_delay end,
  case when d.state = 'deleted' then d.created_at + interval '3 days' end,
  case when d.crawled then d.url end,
  case when d.crawled then d.host end,
  case when d.crawled then
    case when d.status = 301 then 'https://' || d.host || '/moved/' || d.slug || '-' || r.g else d.url end end,
  case when d.crawled then d.status end,
  case when d.crawled then a.fetched_at end,
  case when d.crawled then 'job-' || a.host_n || '-' || to_char(a.fetched_at, 'IYYY-IW') end,
  case when d.crawled then 'run-' || to_char(a.fetched_at, 'YYYYMMDD') end,
  case when d.crawled then 'crawler/1.' || (r.g % 4) end,
  case when d.crawled then jsonb_build_object('content-type', d.content_type, 'server', 'nginx')
    else '{}'::jsonb end
from (
  select g, random() as r_mode, random() as r_owner, random() as r_vis, random() as r_state,
    random() as r_type, random() as r_host, random() as r_time, random() as r_delay, random() as r_size,
    random() as r_crawl, random() as r_status, random() as r_lang, random() as r_section
  from generate_series($1::int, $2::int) as g
) as r
cross join lateral (
  select
    least($3::int - 1, case when r.r_mode < 0.5 then floor(r.r_owner * $3::int)
      else floor(exp(r.r_owner * ln($3::int + 1))) - 1 end)::int as owner_n,
    least(${HOSTS - 1}, floor(exp(r.r_host * ln(${HOSTS + 1}))) - 1)::int as host_n,
    $4::timestamptz - r.r_time * interval '365 days' as fetched_at,
    (select string_agg(($5::text[])[1 + least(cardinality($5::text[]) - 1,
        floor(exp(random() * ln(cardinality($5::text[]) + 1)))::int - 1)], ' ')
      from generate_series(1, 3 + r.g % 3)) as title,
    array(select distinct ($6::text[])[1 + least(cardinality($6::text[]) - 1,
        floor(exp(random() * ln(cardinality($6::text[]) + 1)))::int - 1)]
      from generate_series(1, (r.g * 7 + 3) % 6)) as extra_tags
) as a
cross join lateral (
  select
    md5('artifact:' || r.g)::uuid as id,
    'user-' || lpad(a.owner_n::text, 4, '0') as owner_id,
    t.content_type, t.ext,
    h.host,
    'https://' || h.host || '/' || s.section || '/' || replace(a.title, ' ', '-') || '-' || r.g
      || case when t.ext = '.html' then '' else t.ext end as url,
    replace(a.title, ' ', '-') as slug,
    s.section,
    r.r_crawl < 0.9 as crawled,
    a.fetched_at + r.r_delay * interval '10 minutes' as created_at,
    (1 + r.r_delay * 30) * interval '1 second' as upload_delay,
    floor(exp(ln(200) + r.r_size * ln(2e9 / 200)))::bigint as size,
    case when r.r_status < 0.90 then 200 when r.r_status < 0.95 then 404 when r.r_status < 0.98 then 301
      else 500 end as status,
    ($8::text[])[1 + least(cardinality($8::text[]) - 1, floor(exp(r.r_lang * ln(cardinality($8::text[]) + 1)))::int - 1)] as lang,
    case when r.r_vis < 0.2 then 'public' else 'private' end as visibility,
    case when r.r_state < 0.70 then 'verified' when r.r_state < 0.95 then 'uploaded'
      when r.r_state < 0.97 then 'pending' when r.r_state < 0.98 then 'corrupt' else 'deleted' end as state,
    array['crawl:' || to_char(a.fetched_at at time zone 'UTC', 'YYYY-MM')] || a.extra_tags as tags
  from (select ($9::text[])[case when r.r_type < 0.40 then 1 when r.r_type < 0.45 then 2
    when r.r_type < 0.55 then 3 when r.r_type < 0.70 then 4 when r.r_type < 0.85 then 5
    when r.r_type < 0.95 then 6 else 7 end] as content_type) as t0
  cross join lateral (select t0.content_type,
    case split_part(t0.content_type, ';', 1) when 'text/html' then '.html' when 'application/pdf' then '.pdf'
      when 'image/png' then '.png' when 'image/jpeg' then '.jpg' when 'application/json' then '.json'
      else '.warc.gz' end as ext) as t
  cross join lateral (select 'www.' || ($10::text[])[1 + a.host_n % 10] || a.host_n || '.'
    || ($11::text[])[1 + a.host_n % 5] as host) as h
  cross join lateral (select ($7::text[])[1 + least(cardinality($7::text[]) - 1,
    floor(exp(r.r_section * ln(cardinality($7::text[]) + 1)))::int - 1)] as section) as s
) as d`;

/** About 5% of artifacts shared with another user; a fifth of those grants expired or expiring. */
const GRANTS_SQL = `
insert into artifact_grants (artifact_id, grantee, granted_by, created_at, expires_at)
select id, 'user-' || lpad(((substr(owner_id, 6)::int + 1 + floor(random() * ($1::int - 1))::int) % $1::int)::text, 4, '0'),
  owner_id, created_at + interval '1 day',
  case when random() < 0.2 then created_at + interval '30 days' end
from artifacts where random() < 0.05`;

interface Seeded {
  seconds: { load: number; grants: number; indexes: number; analyze: number; total: number };
  batches: number;
  grants: number;
  tableMiB: number;
  indexesMiB: number;
}

const secondsSince = (started: number) => (performance.now() - started) / 1000;

const sizesMiB = async (db: Database): Promise<{ tableMiB: number; indexesMiB: number }> => {
  const [sizes] = await db.query<{ table_mib: number; indexes_mib: number }>(
    `select (pg_table_size('artifacts') + pg_table_size('artifact_tags')) / 1048576.0 as table_mib,
       (pg_indexes_size('artifacts') + pg_indexes_size('artifact_tags')) / 1048576.0 as indexes_mib`,
  );
  return { tableMiB: Number(sizes?.table_mib ?? 0), indexesMiB: Number(sizes?.indexes_mib ?? 0) };
};

/** A database kept by an earlier run (BENCH_SEARCH_KEEP): nothing timed, sizes as they are. */
const kept = async (db: Database): Promise<Seeded> => {
  const [grants] = await db.query<{ n: number }>("select count(*)::int as n from artifact_grants");
  return {
    seconds: { load: 0, grants: 0, indexes: 0, analyze: 0, total: 0 },
    batches: 0,
    grants: grants?.n ?? 0,
    ...(await sizesMiB(db)),
  };
};

/**
 * Bulk load as one would: secondary indexes (those the migrations made, not the ones behind
 * constraints) dropped, rows inserted in a few big set-based batches, the table put in creation
 * order (as appending writes it), indexes rebuilt from their own definitions, then vacuum analyze.
 */
const seed = async (db: Database, total: number, anchor: Date, batchSize: number): Promise<Seeded> => {
  const started = performance.now();
  // Per transaction, so they hold whichever pooled connection runs the statement; JIT would spend
  // seconds compiling each big insert for nothing.
  const settings =
    db.engine === "postgres"
      ? "set local jit = off; set local synchronous_commit = off; set local maintenance_work_mem = '512MB'"
      : "select 1";
  const indexes = await db.query<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes
     where schemaname = current_schema() and tablename in ('artifacts', 'artifact_grants', 'artifact_tags')
       and indexname not in (select conname from pg_constraint)`,
  );
  for (const index of indexes) await db.exec(`drop index "${index.name}"`);
  const owners = Math.max(20, Math.round(total / 500));
  const ranges: [number, number][] = [];
  for (let from = 1; from <= total; from += batchSize)
    ranges.push([from, Math.min(total, from + batchSize - 1)]);
  // On PostgreSQL two statements at a time, one per core; PGlite runs one at a time anyway.
  const workers = db.engine === "postgres" ? 2 : 1;
  let loadStarted = performance.now();
  await pMap(
    ranges,
    async ([from, to]) => {
      const batchStarted = performance.now();
      await db.transaction(async (tx) => {
        await tx.exec(settings);
        await tx.query("select setseed($1)", [(from % 9973) / 9973]);
        await tx.query(SEED_SQL, [
          from,
          to,
          owners,
          anchor.toISOString(),
          WORDS,
          TAGS,
          SECTIONS,
          LANGS,
          TYPES,
          HOST_KINDS,
          TLDS,
        ]);
      });
      say(`  ${db.engine}: rows ${from}..${to} in ${secondsSince(batchStarted).toFixed(1)} s`);
    },
    { concurrency: workers },
  );
  const load = secondsSince(loadStarted);
  loadStarted = performance.now();
  await db.transaction(async (tx) => {
    await tx.exec(settings);
    await tx.query("select setseed(0.5)");
    await tx.query(GRANTS_SQL, [owners]);
  });
  const grants = secondsSince(loadStarted);
  const indexStarted = performance.now();
  // A catalogue grows by appending, so its rows lie in creation order; the batches above wrote
  // them in random time order. Rewrite the table in creation order, as it would be.
  const byTime = indexes.find((index) => index.name === "artifacts_created");
  if (!byTime) throw new Error("the migrations no longer create artifacts_created");
  await db.transaction(async (tx) => {
    await tx.exec(settings);
    await tx.exec(byTime.definition);
    await tx.exec("cluster artifacts using artifacts_created");
  });
  say(`  ${db.engine}: rows laid out in creation order in ${secondsSince(indexStarted).toFixed(1)} s`);
  // The GIN indexes first: they take longest and build on one core each.
  const byCost = indexes
    .filter((index) => index !== byTime)
    .sort((a, b) => Number(/using gin/i.test(b.definition)) - Number(/using gin/i.test(a.definition)));
  await pMap(
    byCost,
    async (index) => {
      const one = performance.now();
      await db.transaction(async (tx) => {
        await tx.exec(settings);
        await tx.exec(index.definition);
      });
      say(`  ${db.engine}: index ${index.name} in ${secondsSince(one).toFixed(1)} s`);
    },
    { concurrency: workers },
  );
  const indexSeconds = secondsSince(indexStarted);
  const analyzeStarted = performance.now();
  await db.exec("vacuum analyze artifacts");
  await db.exec("vacuum analyze artifact_grants");
  await db.exec("vacuum analyze artifact_tags");
  const analyze = secondsSince(analyzeStarted);
  const [granted] = await db.query<{ n: number }>("select count(*)::int as n from artifact_grants");
  return {
    seconds: { load, grants, indexes: indexSeconds, analyze, total: secondsSince(started) },
    batches: ranges.length,
    grants: granted?.n ?? 0,
    ...(await sizesMiB(db)),
  };
};

// ---------------------------------------------------------------------------------------------
// Measuring

/** Deterministic parameters, so both viewers and both engines see the same sequence. */
const prng = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
type Random = () => number;
const pick = <T>(random: Random, values: readonly T[]): T =>
  values[Math.floor(random() * values.length)] as T;

/** The catalogue's database, recording the last statement the service sent (to explain it later). */
interface Recorded {
  text: string;
  params: unknown[];
}
const recording = (db: Database): { db: Database; last: () => Recorded | undefined } => {
  let last: Recorded | undefined;
  const record = (sql: Sql): Sql => ({
    query: (text, params = []) => {
      last = { text, params: [...params] };
      return sql.query(text, params);
    },
    exec: (script) => sql.exec(script),
  });
  return {
    db: {
      engine: db.engine,
      ...record(db),
      transaction: (work) => db.transaction((tx) => work(record(tx))),
      close: () => db.close(),
    },
    last: () => last,
  };
};

interface Sample {
  ms: number;
  rows: number;
  query: Recorded | undefined;
  label: string;
}

interface Case {
  name: string;
  /** One parameter set: a label and the query; deep cases follow the cursor first. */
  next: (random: Random) => { label: string; query: SearchParams };
  deep?: boolean;
}

const months = (anchor: Date) =>
  Array.from({ length: 12 }, (_, back) => {
    const at = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() - back, 1));
    return `crawl:${at.toISOString().slice(0, 7)}`;
  });

/** Tags queried: every rank of the skewed vocabulary alike (from ~40% of artifacts to ~0.1%), and months. */
const tagPool = (anchor: Date) => [...TAGS.slice(0, 150), ...months(anchor)];

const cases = (anchor: Date): Case[] => {
  const tags = tagPool(anchor);
  const texts = (random: Random) => {
    const kind = random();
    const word = () => pick(random, WORDS);
    if (kind < 0.5) return word();
    if (kind < 0.7) return `${word()} ${word()}`;
    if (kind < 0.85) return `"${word()} ${word()}"`;
    return hostName(Math.floor(random() * HOSTS));
  };
  const metadata = (random: Random) => {
    const kind = random();
    if (kind < 0.35) return { lang: pick(random, LANGS) };
    if (kind < 0.65) return { site: { section: pick(random, SECTIONS) } };
    if (kind < 0.9) return { lang: pick(random, LANGS), site: { section: pick(random, SECTIONS) } };
    return { crawler: `v${1 + Math.floor(random() * 3)}` };
  };
  return [
    {
      name: "tag",
      next: (random) => {
        const tag = pick(random, tags);
        return { label: `tags=${tag}`, query: { tags: tag } };
      },
    },
    {
      name: "tag + image/*",
      next: (random) => {
        const tag = pick(random, tags);
        return { label: `tags=${tag} contentType=image/*`, query: { tags: tag, contentType: "image/*" } };
      },
    },
    {
      name: "host + fetched-at range (30 days)",
      next: (random) => {
        // Hosts are log-uniform: rank 0 holds ~12% of the crawl, rank 299 ~0.02%.
        const host = hostName(Math.floor(random() * HOSTS));
        const to = new Date(anchor.getTime() - random() * 335 * 86_400_000);
        const from = new Date(to.getTime() - 30 * 86_400_000);
        return {
          label: `sourceHost=${host} fetched ${from.toISOString().slice(0, 10)}..${to.toISOString().slice(0, 10)}`,
          query: { sourceHost: host, fetchedFrom: from.toISOString(), fetchedTo: to.toISOString() },
        };
      },
    },
    {
      name: "full text",
      next: (random) => {
        const q = texts(random);
        return { label: `q=${q}`, query: { q } };
      },
    },
    {
      name: "metadata containment",
      next: (random) => {
        const m = JSON.stringify(metadata(random));
        return { label: `metadata=${m}`, query: { metadata: m } };
      },
    },
    {
      name: `deep cursor page (page ${DEEP_PAGES + 1}, exact type)`,
      deep: true,
      next: (random) => {
        const type = pick(random, [
          "text/html",
          "application/pdf",
          "image/png",
          "image/jpeg",
          "application/json",
        ]);
        return { label: `contentType=${type}, page ${DEEP_PAGES + 1}`, query: { contentType: type } };
      },
    },
  ];
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

interface Stats {
  p50: number;
  p95: number;
  max: number;
  samples: Sample[];
}
const statsOf = (samples: Sample[]): Stats => {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? 0,
    samples,
  };
};

const ms = (started: number) => performance.now() - started;

interface Viewers {
  user: () => Principal;
  admin: Principal;
}

const measureCase = async (
  search: ArtifactSearch,
  last: () => Recorded | undefined,
  testCase: Case,
  principalFor: () => Principal,
  random: Random,
): Promise<Sample[]> => {
  const runs = testCase.deep ? DEEP_RUNS : RUNS;
  const samples: Sample[] = [];
  for (let run = -WARMUP; run < runs; run += 1) {
    const principal = principalFor();
    const { label, query } = testCase.next(random);
    let cursor: string | null = null;
    if (testCase.deep) {
      for (let page = 0; page < DEEP_PAGES; page += 1) {
        cursor = (await search.search(principal, criteriaOf({ ...query, ...(cursor ? { cursor } : {}) })))
          .nextCursor;
        if (!cursor) break;
      }
    }
    const started = performance.now();
    const page = await search.search(principal, criteriaOf({ ...query, ...(cursor ? { cursor } : {}) }));
    const elapsed = ms(started);
    if (run >= 0) {
      samples.push({
        ms: elapsed,
        rows: page.artifacts.length,
        query: last(),
        label: `${principal.id === "bench-admin" ? "admin" : principal.id}: ${label}`,
      });
    }
  }
  return samples;
};

const measureBaseline = async (db: Database, ids: string[], random: Random) => {
  const roundTrip: Sample[] = [];
  const byKey: Sample[] = [];
  for (let run = -WARMUP; run < RUNS; run += 1) {
    let started = performance.now();
    await db.query("select 1");
    const a = ms(started);
    started = performance.now();
    const rows = await db.query("select * from artifacts where id = $1", [pick(random, ids)]);
    const b = ms(started);
    if (run >= 0) {
      roundTrip.push({ ms: a, rows: 1, query: undefined, label: "select 1" });
      byKey.push({ ms: b, rows: rows.length, query: undefined, label: "by id" });
    }
  }
  return { roundTrip: statsOf(roundTrip), byKey: statsOf(byKey) };
};

interface CaseResult {
  name: string;
  viewer: "user" | "admin";
  stats: Stats;
}

const measureEngine = async (
  raw: Database,
  anchor: Date,
): Promise<{
  results: CaseResult[];
  baseline: { roundTrip: Stats; byKey: Stats };
  ordinaryUsers: number;
}> => {
  const { db, last } = recording(raw);
  // As packages/runtime/src/catalog-services.ts builds it for the search function.
  const search = new ArtifactSearch(new SearchRecords(db));
  const owners = await raw.query<{ owner_id: string }>(
    `select owner_id from artifacts group by owner_id having count(*) between 200 and 600 order by owner_id`,
  );
  const ordinary = owners.map((row) => row.owner_id);
  if (ordinary.length === 0) throw new Error("no owner with a few hundred artifacts");
  const ids = (
    await raw.query<{ id: string }>("select id from artifacts tablesample system (1) limit 1000")
  ).map((row) => row.id);
  const userRandom = prng(7);
  const viewers: Viewers = {
    user: () => ({
      kind: "user",
      id: pick(userRandom, ordinary),
      roles: [],
      scopes: ["read", "upload", "write"],
    }),
    admin: {
      kind: "user",
      id: "bench-admin",
      roles: ["admin"],
      scopes: ["read", "upload", "write", "admin"],
    },
  };
  const baseline = await measureBaseline(raw, ids, prng(3));
  const results: CaseResult[] = [];
  for (const [index, testCase] of cases(anchor).entries()) {
    for (const viewer of ["user", "admin"] as const) {
      const principalFor = viewer === "user" ? viewers.user : () => viewers.admin;
      // The same parameter sequence for both viewers.
      const samples = await measureCase(search, last, testCase, principalFor, prng(100 + index));
      results.push({ name: testCase.name, viewer, stats: statsOf(samples) });
      say(`  ${raw.engine}: ${testCase.name} as ${viewer}: p95 ${statsOf(samples).p95.toFixed(1)} ms`);
    }
  }
  return { results, baseline, ordinaryUsers: ordinary.length };
};

const fixed = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

const printResults = (
  title: string,
  results: CaseResult[],
  baseline: { roundTrip: Stats; byKey: Stats },
  withTarget: boolean,
  targetMs = SEARCH_TARGET_P95_MS,
) => {
  const base = baseline.byKey;
  const row = (name: string, viewer: string, stats: Stats, isBase: boolean, rows: string) => [
    name,
    viewer,
    String(stats.samples.length),
    rows,
    fixed(stats.p50),
    fixed(stats.p95),
    fixed(stats.max),
    isBase ? "1.00" : (stats.p50 / base.p50).toFixed(1),
    isBase ? "1.00" : (stats.p95 / base.p95).toFixed(1),
    withTarget && !isBase ? (stats.p95 < targetMs ? "yes" : "NO") : "-",
  ];
  const avgRows = (stats: Stats) =>
    (stats.samples.reduce((sum, s) => sum + s.rows, 0) / Math.max(1, stats.samples.length)).toFixed(0);
  printTable(
    title,
    [
      "search",
      "viewer",
      "runs",
      "avg rows",
      "p50 ms",
      "p95 ms",
      "max ms",
      "x base p50",
      "x base p95",
      `p95 < ${targetMs} ms`,
    ],
    [
      row("baseline: primary-key lookup (select * by id)", "-", base, true, "1"),
      row("reference: select 1 round trip", "-", baseline.roundTrip, false, "1").map((cell, column) =>
        column === 9 ? "-" : cell,
      ),
      ...results.map((r) => row(r.name, r.viewer, r.stats, false, avgRows(r.stats))),
    ],
  );
};

// ---------------------------------------------------------------------------------------------
// Plans

interface PlanNode {
  "Node Type": string;
  "Parent Relationship"?: string;
  "Subplan Name"?: string;
  "Index Name"?: string;
  "Relation Name"?: string;
  "Scan Direction"?: string;
  "Index Cond"?: string;
  "Recheck Cond"?: string;
  Filter?: string;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Actual Total Time"?: number;
  "Exact Heap Blocks"?: number;
  "Lossy Heap Blocks"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  "Sort Method"?: string;
  "Sort Key"?: string[];
  Plans?: PlanNode[];
}

const short = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
};

const planLines = (node: PlanNode, depth: number, out: string[]) => {
  const name = [
    node["Parent Relationship"] === "SubPlan" ? `[${node["Subplan Name"] ?? "SubPlan"}] ` : "",
    node["Node Type"],
    node["Scan Direction"] === "Backward" ? " Backward" : "",
    node["Index Name"]
      ? ` using ${node["Index Name"]}`
      : node["Relation Name"]
        ? ` on ${node["Relation Name"]}`
        : "",
  ].join("");
  const facts = [
    `rows=${node["Actual Rows"] ?? "?"}`,
    (node["Actual Loops"] ?? 1) > 1 ? `loops=${node["Actual Loops"]}` : "",
    `time=${(node["Actual Total Time"] ?? 0).toFixed(1)}ms`,
    node["Rows Removed by Filter"] ? `removed by filter=${node["Rows Removed by Filter"]}` : "",
    node["Rows Removed by Index Recheck"]
      ? `removed by recheck=${node["Rows Removed by Index Recheck"]}`
      : "",
    node["Exact Heap Blocks"] || node["Lossy Heap Blocks"]
      ? `heap blocks=${node["Exact Heap Blocks"] ?? 0}${node["Lossy Heap Blocks"] ? ` lossy=${node["Lossy Heap Blocks"]}` : ""}`
      : "",
    `buffers hit=${node["Shared Hit Blocks"] ?? 0} read=${node["Shared Read Blocks"] ?? 0}`,
    node["Sort Method"] ? `sort=${node["Sort Method"]}` : "",
  ].filter(Boolean);
  const cond = node["Index Cond"] ?? node["Recheck Cond"];
  const detail = [
    cond ? `cond: ${short(cond, 90)}` : "",
    node.Filter && depth <= 2 ? `filter: ${short(node.Filter, 90)}` : "",
  ].filter(Boolean);
  out.push(
    `${"  ".repeat(depth + 2)}${name} (${facts.join(", ")})${detail.length ? ` ${detail.join("; ")}` : ""}`,
  );
  if (depth < 6) for (const child of node.Plans ?? []) planLines(child, depth + 1, out);
};

const explain = async (db: Database, query: Recorded): Promise<{ lines: string[]; ms: number }> => {
  const [row] = await db.query<Record<string, unknown>>(
    `explain (analyze, buffers, format json) ${query.text}`,
    query.params,
  );
  const raw = row ? Object.values(row)[0] : undefined;
  const parsed = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
    Plan: PlanNode;
    "Execution Time": number;
    "Planning Time"?: number;
    JIT?: { Functions?: number; Timing?: { Total?: number } };
  }[];
  const top = parsed[0];
  if (!top) return { lines: ["    (no plan)"], ms: 0 };
  const lines: string[] = [];
  planLines(top.Plan, 0, lines);
  const jit = top.JIT?.Timing?.Total;
  lines.push(
    `    planning ${(top["Planning Time"] ?? 0).toFixed(1)} ms, execution ${top["Execution Time"].toFixed(1)} ms${
      jit !== undefined ? `, of which JIT ${jit.toFixed(1)} ms (${top.JIT?.Functions ?? 0} functions)` : ""
    }`,
  );
  return { lines, ms: top["Execution Time"] };
};

const printPlans = async (db: Database, results: CaseResult[]) => {
  console.log(
    "\nPostgreSQL plans (EXPLAIN (ANALYZE, BUFFERS) of the exact SQL the service sent), for the median and the slowest run of each search:",
  );
  for (const result of results) {
    const bySpeed = [...result.stats.samples].sort((a, b) => a.ms - b.ms);
    const median = bySpeed[Math.floor(bySpeed.length / 2)];
    const slowest = bySpeed[bySpeed.length - 1];
    for (const [which, sample] of [
      ["median", median],
      ["slowest", slowest],
    ] as const) {
      if (!sample?.query) continue;
      const plan = await explain(db, sample.query);
      console.log(
        `\n  ${result.name} as ${result.viewer}, ${which} run (${sample.ms.toFixed(1)} ms timed; ${plan.ms.toFixed(1)} ms under EXPLAIN ANALYZE) - ${sample.label}`,
      );
      for (const line of plan.lines) console.log(line);
    }
  }
};

// ---------------------------------------------------------------------------------------------

interface EngineRun {
  engine: string;
  rows: number;
  seeded: Seeded;
}

const seedRow = (run: EngineRun) => {
  const { seconds } = run.seeded;
  // A database kept from an earlier run (BENCH_SEARCH_KEEP) was not seeded by this one.
  const timed = (value: number) => (seconds.total > 0 ? value.toFixed(1) : "kept");
  return [
    run.engine,
    run.rows.toLocaleString("en-US"),
    String(run.seeded.batches),
    timed(seconds.load),
    timed(seconds.grants),
    timed(seconds.indexes),
    timed(seconds.analyze),
    timed(seconds.total),
    seconds.total > 0 ? fixed(run.rows / seconds.total) : "kept",
    run.seeded.grants.toLocaleString("en-US"),
    fixed(run.seeded.tableMiB),
    fixed(run.seeded.indexesMiB),
  ];
};

const runEngine = async (
  engine: "postgres" | "pglite",
  rows: number,
  anchor: Date,
): Promise<{ run: EngineRun; misses: string[] }> => {
  let url: string | undefined;
  let db: Database | undefined;
  const misses: string[] = [];
  try {
    if (engine === "postgres") {
      url = await ensurePostgres(BENCH_DATABASE, say, { fresh: !KEEP });
      // Two connections to seed (one per core), then a pool as the runtime opens it.
      const seeding = await openDatabase({ url, embeddedDataDir: "", maxConnections: 2 });
      let seeded: Seeded;
      try {
        await migrate(seeding);
        const [held] = await seeding.query<{ n: number }>("select count(*)::int as n from artifacts");
        if (KEEP && held?.n === rows) {
          say(`reusing the ${rows.toLocaleString("en-US")} artifacts kept in ${BENCH_DATABASE}`);
          seeded = await kept(seeding);
        } else {
          if ((held?.n ?? 0) > 0) await seeding.exec("truncate artifacts, artifact_grants cascade");
          say(`seeding ${rows.toLocaleString("en-US")} artifacts in PostgreSQL`);
          seeded = await seed(seeding, rows, anchor, 250_000);
        }
      } finally {
        await seeding.close();
      }
      db = await openDatabase({ url, embeddedDataDir: "" });
      const [version] = await db.query<{ server_version: string; shared_buffers: string; work_mem: string }>(
        "select split_part(current_setting('server_version'), ' ', 1) as server_version, current_setting('shared_buffers') as shared_buffers, current_setting('work_mem') as work_mem",
      );
      say(
        `PostgreSQL ${version?.server_version}, shared_buffers ${version?.shared_buffers}, work_mem ${version?.work_mem} (server defaults, untouched)`,
      );
      const measured = await measureEngine(db, anchor);
      printResults(
        `Search latency, PostgreSQL ${version?.server_version}, ${rows.toLocaleString("en-US")} artifacts, through ArtifactSearch (limit 50, newest first; ${RUNS} runs, deep cursor ${DEEP_RUNS}; ordinary user = one of ${measured.ordinaryUsers} owners of 200-600 artifacts; ratios against the primary-key lookup)`,
        measured.results,
        measured.baseline,
        true,
      );
      for (const r of measured.results) {
        if (r.stats.p95 >= SEARCH_TARGET_P95_MS) {
          misses.push(`PostgreSQL: ${r.name} as ${r.viewer}: p95 ${r.stats.p95.toFixed(1)} ms`);
        }
      }
      await printPlans(db, measured.results);

      // The same searches again while uploads are being recorded beside them.
      if (INGEST_PER_SECOND > 0) {
        const owners = Array.from(
          { length: Math.max(20, Math.round(rows / 500)) },
          (_, n) => `user-${String(n).padStart(4, "0")}`,
        );
        const hosts = Array.from({ length: HOSTS }, (_, n) => hostName(n));
        say(`the same searches while ${INGEST_PER_SECOND} uploads/s are recorded in the catalogue`);
        const load = await startIngestLoad({
          url,
          perSecond: INGEST_PER_SECOND,
          owners,
          tags: tagPool(anchor),
          hosts,
        });
        let underIngest: Awaited<ReturnType<typeof measureEngine>>;
        let ingest: Awaited<ReturnType<typeof load.stop>>;
        try {
          underIngest = await measureEngine(db, anchor);
        } finally {
          ingest = await load.stop();
        }
        printResults(
          `Search latency under ingest, PostgreSQL ${version?.server_version}, ${rows.toLocaleString("en-US")} artifacts, while uploads were recorded at ${ingest.perSecond.toFixed(1)}/s (target ${INGEST_PER_SECOND}/s: ${ingest.recorded} recorded, ${ingest.failed} failed, in ${ingest.seconds.toFixed(0)} s; each opened and completed through Uploads with an audit event per call, on a pool of its own)`,
          underIngest.results,
          underIngest.baseline,
          true,
          SEARCH_UNDER_INGEST_P95_MS,
        );
        for (const r of underIngest.results) {
          if (r.stats.p95 >= SEARCH_UNDER_INGEST_P95_MS) {
            misses.push(
              `PostgreSQL under ${INGEST_PER_SECOND} uploads/s: ${r.name} as ${r.viewer}: p95 ${r.stats.p95.toFixed(1)} ms (target ${SEARCH_UNDER_INGEST_P95_MS})`,
            );
          }
        }
        if (ingest.failed > 0) misses.push(`ingest beside the searches: ${ingest.failed} uploads failed`);
      }
      return { run: { engine: `PostgreSQL ${version?.server_version}`, rows, seeded }, misses };
    }
    db = await openDatabase({ embeddedDataDir: "memory://" });
    await migrate(db);
    say(`seeding ${rows.toLocaleString("en-US")} artifacts in PGlite (memory://)`);
    const seeded = await seed(db, rows, anchor, 50_000);
    const measured = await measureEngine(db, anchor);
    printResults(
      `Search latency, PGlite (in memory, one connection), ${rows.toLocaleString("en-US")} artifacts, through ArtifactSearch (the ${SEARCH_TARGET_P95_MS} ms target is for PostgreSQL at 1M; ratios against the primary-key lookup)`,
      measured.results,
      measured.baseline,
      false,
    );
    return { run: { engine: "PGlite", rows, seeded }, misses };
  } finally {
    await db?.close();
    if (url && !KEEP) {
      const server = new URL(url);
      server.pathname = "/postgres";
      const admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`drop database if exists "${BENCH_DATABASE}" with (force)`);
      } finally {
        await admin.end({ timeout: 1 });
      }
    }
  }
};

/** Seeds, measures and prints both engines; returns the searches that miss the target. */
export const benchSearch = async (): Promise<string[]> => {
  const anchor = new Date();
  const postgresRows = Number(process.env.BENCH_SEARCH_POSTGRES_ROWS ?? 1_000_000);
  const pgliteRows = Number(process.env.BENCH_SEARCH_PGLITE_ROWS ?? 100_000);
  const pg = await runEngine("postgres", postgresRows, anchor);
  const lite = await runEngine("pglite", pgliteRows, anchor);
  printTable(
    "Search bench seeding (set-based insert ... select from generate_series; secondary indexes dropped; clustered in creation order; indexes rebuilt; vacuum analyze)",
    [
      "engine",
      "artifacts",
      "batches",
      "insert s",
      "grants s",
      "indexes s",
      "vacuum analyze s",
      "total s",
      "rows/s",
      "grants",
      "tables MiB (artifacts, tags)",
      "indexes MiB",
    ],
    [seedRow(pg.run), seedRow(lite.run)],
  );
  const misses = [...pg.misses, ...lite.misses];
  if (misses.length > 0) say(`search p95 targets missed:\n  ${misses.join("\n  ")}`);
  else say(`every search meets p95 < ${SEARCH_TARGET_P95_MS} ms on PostgreSQL at ${postgresRows} artifacts`);
  return misses;
};

runAlone(import.meta.url, benchSearch);
