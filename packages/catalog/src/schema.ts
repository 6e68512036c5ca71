import { unavailable } from "@artifact-store/core";
import type { Database } from "./database";
import { SCHEMA_VERSION } from "./schema-version";

const UNDEFINED_TABLE = "42P01";

/**
 * Fails (503) unless the catalogue is migrated to at least SCHEMA_VERSION. Deployed functions
 * check, in one query, instead of migrating: the migrate-catalog function does that, once per
 * deploy, so the SQL of every migration stays out of their bundles and DDL out of their hands.
 */
export const checkSchema = async (db: Database): Promise<void> => {
  let version = 0;
  try {
    const [row] = await db.query<{ version: number | null }>(
      "select max(version) as version from schema_migrations",
    );
    version = Number(row?.version ?? 0);
  } catch (error) {
    if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
  }
  if (version < SCHEMA_VERSION) {
    throw unavailable(
      "catalogue_not_migrated",
      `The catalogue is at schema version ${version}; this code needs ${SCHEMA_VERSION}. Run the migrate-catalog function (sst deploy runs it).`,
    );
  }
};
