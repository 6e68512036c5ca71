// No imports: sst.config.ts reads this to re-run migrations on deploy when the schema moves on.

/** The catalogue schema this code needs: the version of the last migration (a test holds them equal). */
export const SCHEMA_VERSION = 17;
