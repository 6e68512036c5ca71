// PostgreSQL for the tests and benchmarks, taken as the machine offers it and left as it was found:
// databases of a run's own (dropped afterwards), and where the server lets nobody in over TCP
// (a fresh Debian cluster: peer auth for the postgres OS user only) a role of the run's own, made
// and dropped through `su postgres -c psql`. Nobody's password is changed.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import postgres from "postgres";

type Log = (line: string) => void;

/** Where a local server is tried first: trust auth, or the password earlier versions of this set. */
const localServer = (port: number) => `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;

type Probe = { ok: true } | { ok: false; down: boolean; refused: boolean; message: string };

// Connection refused or reset: nothing listens. Authentication failures: a server that wants
// another role (28P01 wrong password, 28000 no pg_hba.conf entry for it).
const DOWN = new Set(["ECONNREFUSED", "ECONNRESET", "ENOENT"]);
const REFUSED = new Set(["28P01", "28000"]);

const probe = async (url: string): Promise<Probe> => {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return { ok: true };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? "");
    return { ok: false, down: DOWN.has(code), refused: REFUSED.has(code), message: (error as Error).message };
  } finally {
    await sql.end({ timeout: 1 });
  }
};

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: "inherit" });

/** Starts the Debian cluster if one is installed, else installs PostgreSQL from Debian first. */
const startDebianPostgres = (log: Log) => {
  if (!existsSync("/usr/lib/postgresql")) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        "No PostgreSQL answers on 127.0.0.1:5432 and installing one needs root (apt-get install " +
          "postgresql); or set DATABASE_URL to a server where the role may create databases.",
      );
    }
    log("installing PostgreSQL from Debian packages...");
    run("apt-get", ["update", "-q"]);
    run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "postgresql"]);
  }
  const version = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql")[0] : undefined;
  if (!version) throw new Error("PostgreSQL is installed but has no cluster in /etc/postgresql.");
  log(`starting PostgreSQL ${version} (it keeps running afterwards)...`);
  run("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"]);
};

const canBecomePostgres = (): boolean => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync("id", ["postgres"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** Runs SQL as the postgres OS user over the local socket (peer auth), reading it from stdin. */
const asPostgresUser = (port: number, sql: string): void => {
  execFileSync("su", ["postgres", "-c", `psql -X -q -v ON_ERROR_STOP=1 -p ${port} -d postgres`], {
    input: sql,
    stdio: ["pipe", "ignore", "inherit"],
  });
};

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Drops a role and every database it owns (tests that died before dropping theirs included). */
const dropRoleAndDatabases = (port: number, role: string): void => {
  const literal = `'${role.replaceAll("'", "''")}'`;
  asPostgresUser(
    port,
    `select format('drop database if exists %I with (force)', datname) from pg_database
       where datdba = (select oid from pg_roles where rolname = ${literal}) \\gexec
     drop role if exists ${quoteIdent(role)};\n`,
  );
};

export interface PostgresServer {
  /** The server's maintenance database, with the credentials this run connects as. */
  url: string;
  /** The role made for this run (dropped by `dispose`), or null when the machine let us in as it is. */
  role: string | null;
  /** A database (dropped first with `fresh`, else kept when there); returns its URL. */
  createDatabase: (name: string, options?: { fresh?: boolean }) => Promise<string>;
  /** Closes the connection and leaves what was made; a role of the run's own goes at process exit. */
  disconnect: () => Promise<void>;
  /** Drops every database made through it and the run's own role, then closes the connection. */
  dispose: () => Promise<void>;
}

/**
 * The PostgreSQL server DATABASE_URL (or `databaseUrl`) names, else the one on 127.0.0.1 (`port`, 5432 by default;
 * started, or installed and started, from Debian's packages when nothing answers there). When it
 * answers but lets neither `postgres` nor anyone else in over TCP, and this process is root, a
 * role of this run's own (LOGIN CREATEDB, a random password) is made through `su postgres`, and
 * dropped, with its databases, by `dispose` or at the latest when the process exits.
 */
export const openPostgres = async (
  log: Log,
  { port = 5432, databaseUrl = process.env.DATABASE_URL }: { port?: number; databaseUrl?: string } = {},
): Promise<PostgresServer> => {
  const configured = databaseUrl;
  let url = configured || localServer(port);
  let state = await probe(url);
  if (!state.ok && configured) {
    throw new Error(`The PostgreSQL server DATABASE_URL names does not let us in: ${state.message}`);
  }
  if (!state.ok && state.down && port === 5432) {
    startDebianPostgres(log);
    state = await probe(url);
  }
  let role: string | null = null;
  let dropRoleAtExit = () => {};
  if (!state.ok && state.refused && canBecomePostgres()) {
    role = `artifact_store_run_${randomBytes(6).toString("hex")}`;
    const password = randomBytes(18).toString("hex");
    asPostgresUser(port, `create role ${quoteIdent(role)} login createdb password '${password}';\n`);
    const made = role;
    dropRoleAtExit = () => {
      try {
        dropRoleAndDatabases(port, made);
      } catch {
        console.error(
          `[postgres] could not drop role ${made}; drop it with: su postgres -c "dropuser ${made}"`,
        );
      }
    };
    process.once("exit", dropRoleAtExit);
    log(`PostgreSQL lets only its OS user in: made role ${role} for this run (dropped at the end)`);
    url = `postgres://${role}:${password}@127.0.0.1:${port}/postgres`;
    state = await probe(url);
  }
  if (!state.ok) {
    dropRoleAtExit();
    process.removeListener("exit", dropRoleAtExit);
    throw new Error(
      `PostgreSQL on 127.0.0.1:${port} does not let us in (${state.message}). Set DATABASE_URL to a ` +
        "server and a role that may create databases.",
    );
  }
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const made = new Set<string>();
  const urlOf = (name: string) => {
    const at = new URL(url);
    at.pathname = `/${name}`;
    return at.toString();
  };
  const disconnect = () => admin.end({ timeout: 1 });
  return {
    url,
    role,
    createDatabase: async (name, { fresh = true } = {}) => {
      if (fresh) await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
      const [exists] = await admin.unsafe("select 1 from pg_database where datname = $1", [name]);
      if (!exists) {
        await admin.unsafe(`create database ${quoteIdent(name)}`);
        made.add(name);
      }
      return urlOf(name);
    },
    disconnect,
    dispose: async () => {
      try {
        for (const name of made)
          await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
        made.clear();
      } finally {
        await disconnect();
        if (role) {
          dropRoleAtExit();
          process.removeListener("exit", dropRoleAtExit);
        }
      }
    },
  };
};

/**
 * A database of the given name (fresh, or with `fresh: false` the one already there) for
 * benchmarks and fault runs, which drop it themselves (or keep it on purpose); see openPostgres
 * for the server and the role. A role made for the process is dropped, with its databases, when
 * the process exits.
 */
export const ensurePostgres = async (
  database: string,
  log: Log,
  options: { fresh?: boolean } = {},
): Promise<string> => {
  const server = await openPostgres(log);
  try {
    return await server.createDatabase(database, options);
  } finally {
    await server.disconnect();
  }
};
