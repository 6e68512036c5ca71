import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, type Sql } from "./database";
import { applyMigrations, migrate } from "./migrate";
import { MIGRATIONS } from "./migrations";

// Embedded PGlite by default; with DATABASE_URL (the unit-postgres project), on that server, in
// databases of the test's own named after it.
const serverUrl = process.env.DATABASE_URL || undefined;
const SLOW = { timeout: 120_000 };
const cleanups: (() => Promise<void>)[] = [];

const freshDatabase = async (): Promise<Database> => {
  if (!serverUrl) {
    const db = await openDatabase({ embeddedDataDir: "memory://" });
    cleanups.push(() => db.close());
    return db;
  }
  const shared = new URL(serverUrl);
  const name = `${shared.pathname.slice(1)}_migrate_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), embeddedDataDir: "", maxConnections: 2 });
  cleanups.push(async () => {
    await db.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  return db;
};

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Everything migrations make, as text: tables, columns, constraints, indexes, triggers, functions. */
const describeSchema = async (db: Sql) => ({
  columns: await db.query(
    `select table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
       is_generated, generation_expression
     from information_schema.columns where table_schema = 'public'
     order by table_name, ordinal_position`,
  ),
  statistics: await db.query(
    `select c.relname, a.attname, coalesce(a.attstattarget, -1) as target
     from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and a.attnum > 0 and coalesce(a.attstattarget, -1) >= 0
     order by 1, 2`,
  ),
  constraints: await db.query(
    `select conrelid::regclass::text as table_name, conname, contype, pg_get_constraintdef(c.oid) as definition
     from pg_constraint c join pg_namespace n on n.oid = c.connamespace
     where n.nspname = 'public' order by 1, 2`,
  ),
  indexes: await db.query(
    "select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2",
  ),
  triggers: await db.query(
    `select tgrelid::regclass::text as table_name, tgname, pg_get_triggerdef(t.oid) as definition
     from pg_trigger t where not tgisinternal order by 1, 2`,
  ),
  functions: await db.query(
    `select proname, pg_get_functiondef(p.oid) as definition
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' order by 1`,
  ),
  versions: await db.query("select version, name from schema_migrations order by version"),
});

// The sets of migrations each release shipped, by their last version (from git history): a
// database migrated at every release in turn is the oldest path a deployed catalogue can have
// taken. Migrations added since then come as one more step.
const RELEASED_UP_TO = [1, 2, 3, 4, 11, 15, 16];

describe("migrate", () => {
  let fresh: Database;

  beforeAll(async () => {
    fresh = await freshDatabase();
    expect(await migrate(fresh)).toEqual(MIGRATIONS.map((migration) => migration.version));
  }, SLOW.timeout);

  it(
    "applies nothing to a database already migrated, and never records an unused version",
    SLOW,
    async () => {
      expect(await migrate(fresh)).toEqual([]);
      const versions = await fresh.query<{ version: number }>("select version from schema_migrations");
      expect(versions.map((row) => row.version)).not.toContain(13);
    },
  );

  it("makes the same schema on a fresh database as on one migrated release by release", SLOW, async () => {
    const upgraded = await freshDatabase();
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    let before = 0;
    for (const upTo of new Set([...RELEASED_UP_TO, latest])) {
      const released = MIGRATIONS.filter((migration) => migration.version <= upTo);
      const added = released.filter((migration) => migration.version > before).map((m) => m.version);
      expect(await applyMigrations(upgraded, released)).toEqual(added);
      before = upTo;
    }

    expect(await describeSchema(upgraded)).toEqual(await describeSchema(fresh));
  });
});
