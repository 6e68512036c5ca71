import type { Database } from "./database";
import { MIGRATIONS, type Migration } from "./migrations";

// Any constant shared by every process that migrates this schema.
const MIGRATION_LOCK = 7_031_337;

/**
 * Applies missing migrations in one transaction under an advisory lock, so many function
 * instances starting at once migrate exactly once and never see a half-made schema. Returns the
 * versions applied.
 */
export const migrate = (db: Database): Promise<number[]> => applyMigrations(db, MIGRATIONS);

/** migrate, over a given set: tests replay the sets of older releases with it. */
export const applyMigrations = async (db: Database, migrations: readonly Migration[]): Promise<number[]> =>
  db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set(
      (await tx.query<{ version: number }>("select version from schema_migrations")).map(
        (row) => row.version,
      ),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query("insert into schema_migrations (version, name) values ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
