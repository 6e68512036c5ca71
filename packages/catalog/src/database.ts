import type postgres from "postgres";

/** The little the catalogue needs from a PostgreSQL engine; PGlite and postgres.js both provide it. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Database extends Sql {
  readonly engine: "pglite" | "postgres";
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  /** postgres://... for a server; unset for the embedded engine. */
  url?: string;
  /** Where the embedded engine keeps its files; "memory://" keeps them in memory. */
  embeddedDataDir: string;
  /** Connections per process to a server: small, since each function instance is one process. */
  maxConnections?: number;
}

const openPostgres = async (url: string, maxConnections: number): Promise<Database> => {
  const { default: postgres } = await import("postgres");
  const sql = postgres(url, {
    max: maxConnections,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
  });
  const asSql = (runner: typeof sql | postgres.TransactionSql): Sql => ({
    query: async <Row>(text: string, params: readonly unknown[] = []) =>
      (await runner.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as Row[],
    exec: async (script: string) => {
      await runner.unsafe(script).simple();
    },
  });
  return {
    engine: "postgres",
    ...asSql(sql),
    transaction: async (work) =>
      (await sql.begin((tx) => work(asSql(tx)))) as Awaited<ReturnType<typeof work>>,
    close: () => sql.end({ timeout: 5 }),
  };
};

const openPglite = async (dataDir: string): Promise<Database> => {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(dataDir);
  const asSql = (runner: Pick<typeof db, "query" | "exec">): Sql => ({
    query: async <Row>(text: string, params: readonly unknown[] = []) =>
      (await runner.query<Row>(text, params as unknown[])).rows,
    exec: async (script: string) => {
      await runner.exec(script);
    },
  });
  return {
    engine: "pglite",
    ...asSql(db),
    transaction: (work) => db.transaction((tx) => work(asSql(tx))),
    close: () => db.close(),
  };
};

export const openDatabase = (config: DatabaseConfig): Promise<Database> =>
  config.url ? openPostgres(config.url, config.maxConnections ?? 5) : openPglite(config.embeddedDataDir);
