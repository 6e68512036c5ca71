/** One version of the catalogue schema: applied once, in order, and recorded with its name. */
export interface Migration {
  version: number;
  /** Recorded in schema_migrations. */
  name: string;
  sql: string;
}

/**
 * A version number given out and never used. It is neither applied nor recorded, so databases
 * migrated before and after it was written down end identical; its file only says why the
 * numbering skips it.
 */
export interface UnusedVersion {
  version: number;
  unused: string;
}
