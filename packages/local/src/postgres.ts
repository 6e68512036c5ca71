import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import postgres from "postgres";

const LOCAL_SERVER = "postgres://postgres:postgres@127.0.0.1:5432/postgres";

const canConnect = async (url: string): Promise<boolean> => {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
};

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: "inherit" });

/** Starts the Debian cluster if one is installed, else installs PostgreSQL from Debian first. */
const startDebianPostgres = (log: (line: string) => void) => {
  if (!existsSync("/usr/lib/postgresql")) {
    log("installing PostgreSQL from Debian packages...");
    run("apt-get", ["update", "-q"]);
    run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "postgresql"]);
  }
  const version = readdirSync("/etc/postgresql")[0];
  if (!version) throw new Error("PostgreSQL is installed but has no cluster in /etc/postgresql.");
  log(`starting PostgreSQL ${version}...`);
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], {
    stdio: "inherit",
  });
  // A fresh Debian cluster only lets the postgres OS user in; give it the password the URL uses.
  execFileSync("su", ["postgres", "-c", `psql -q -c "alter user postgres password 'postgres'"`], {
    stdio: "inherit",
  });
};

/**
 * A fresh database of the given name for tests and benchmarks (or, with `fresh: false`, the one
 * already there), on the server DATABASE_URL names, else on 127.0.0.1:5432 (started, or installed
 * and started, when it is not answering).
 */
export const ensurePostgres = async (
  database: string,
  log: (line: string) => void,
  { fresh = true }: { fresh?: boolean } = {},
): Promise<string> => {
  const server = process.env.DATABASE_URL || LOCAL_SERVER;
  if (!(await canConnect(server))) {
    if (server !== LOCAL_SERVER) throw new Error("The PostgreSQL server DATABASE_URL names does not answer.");
    startDebianPostgres(log);
    if (!(await canConnect(server)))
      throw new Error("PostgreSQL on 127.0.0.1:5432 does not accept connections.");
  }
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  try {
    if (fresh) await admin.unsafe(`drop database if exists "${database}" with (force)`);
    const [exists] = await admin.unsafe("select 1 from pg_database where datname = $1", [database]);
    if (!exists) await admin.unsafe(`create database "${database}"`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
};
