import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ArtifactStoreClient } from "@artifact-store/client";
import { openPostgres } from "@artifact-store/local";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBanner } from "../packages/local/src/banner";
import { randomBytesOf } from "./support/stack";

// What a new user meets in the first hour, as they meet it: `npm start`'s banner and failures,
// `npm run dev-token` for a second user, and `npm test`'s PostgreSQL left as it was found.

const run = randomUUID().slice(0, 8);
const START = ["tsx", "packages/local/src/start.ts"];
const DEV_TOKEN = ["tsx", "packages/local/src/dev-token-command.ts"];
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});
const dataFolder = async () => {
  const folder = await mkdtemp(join(tmpdir(), "first-hour-"));
  folders.push(folder);
  return folder;
};

/** The environment of a user's shell: the S3 server of this test project, nothing of the tests'. */
const userEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  S3_ENDPOINT: process.env.S3_ENDPOINT,
  S3_REGION: process.env.S3_REGION,
  S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY,
  DATABASE_URL: process.env.DATABASE_URL ?? "",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  LOG_LEVEL: "silent",
  ...extra,
});

const devToken = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  promisify(execFile)("npx", [...DEV_TOKEN, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe("npm start", () => {
  it("names the endpoint, the operation and the cause when storage does not answer", async () => {
    const env = userEnv({ S3_ENDPOINT: "http://127.0.0.1:1", DATA_DIR: await dataFolder(), PORT: "0" });
    const failed = await promisify(execFile)("npx", START, { env }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim()).toBe(
      "[start] failed: Storage at http://127.0.0.1:1 did not complete HeadBucket: connect ECONNREFUSED 127.0.0.1:1.",
    );
  });

  describe("once it runs", () => {
    let server: ChildProcess;
    let banner = "";
    let env: NodeJS.ProcessEnv;
    const bucket = `first-hour-${run}`;
    beforeAll(async () => {
      env = userEnv({ DATA_DIR: await dataFolder(), PORT: "0", S3_BUCKET: bucket });
      // A process group of its own, as in a terminal, where Ctrl-C reaches npx and the server alike.
      server = spawn("npx", START, { env, stdio: ["ignore", "pipe", "inherit"], detached: true });
      await new Promise<void>((resolve, reject) => {
        server.stdout?.on("data", (chunk: Buffer) => {
          banner += chunk.toString("utf8");
          if (banner.includes("Ctrl-C stops everything.")) resolve();
        });
        server.once("exit", (code) => reject(new Error(`npm start exited (${code}):\n${banner}`)));
      });
    });
    afterAll(async () => {
      if (server.exitCode !== null || server.pid === undefined) return;
      const exited = new Promise((resolve) => server.once("exit", resolve));
      process.kill(-server.pid, "SIGINT");
      await exited;
      expect(banner).toContain("[start] stopping...");
    });
    const apiUrl = () => /API: +(\S+)/.exec(banner)?.[1] ?? "";
    const tokenOf = (label: string) => new RegExp(`${label}: +(\\S+)`).exec(banner)?.[1] ?? "";

    it("prints where storage is, which bucket, and the key id, but not a secret that is the user's own", () => {
      expect(banner).toContain(
        `Storage:      ${process.env.S3_ENDPOINT}   region ${process.env.S3_REGION ?? "us-east-1"}   bucket "${bucket}"`,
      );
      expect(banner).toContain(`S3 access:    key ${process.env.S3_ACCESS_KEY_ID} (S3_ACCESS_KEY_ID;`);
      expect(banner).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "no secret");
      expect(banner).toContain(
        "Webhooks:     targets public or in 127.0.0.0/8,::1/128 (WEBHOOK_ALLOWED_PRIVATE_CIDRS)",
      );
      expect(banner).toContain("npm run -s dev-token -- --sub alice [--role admin]");
    });

    it("lets a second user in with `npm run dev-token`, to try sharing", async () => {
      const owner = new ArtifactStoreClient({ baseUrl: apiUrl(), token: tokenOf("Dev token") });
      const artifact = await owner.upload(randomBytesOf(300), {
        filename: "shared.txt",
        contentType: "text/plain",
      });

      const minted = await devToken(env, "--sub", `alice-${run}`);
      expect(minted.code).toBe(0);
      expect(minted.stderr).toMatch(
        new RegExp(`^\\[dev-token\\] alice-${run} \\(roles: none\\), valid until `),
      );
      const alice = new ArtifactStoreClient({ baseUrl: apiUrl(), token: minted.stdout.trim() });
      await expect(alice.get(artifact.id)).rejects.toMatchObject({ status: 404 });
      await owner.grant(artifact.id, `alice-${run}`);
      expect((await alice.get(artifact.id)).id).toBe(artifact.id);

      const admin = await devToken(env, "--sub", `root-${run}`, "--role", "admin", "--json");
      const { token, roles } = JSON.parse(admin.stdout) as { token: string; roles: string[] };
      expect(roles).toEqual(["admin"]);
      const keys = await fetch(`${apiUrl()}/v1/api-keys`, { headers: { authorization: `Bearer ${token}` } });
      expect(keys.status).toBe(200);
    });

    // The same lines are in the README's "Trying it with curl"; both are run as a user pastes them.
    it("the banner's and the README's curl example upload and download, pasted as they are", async () => {
      const bannerLines = banner.split("Try it (curl and jq):\n")[1]?.split("\n\nCtrl-C")[0] ?? "";
      const readme = await readFile(join(import.meta.dirname, "../README.md"), "utf8");
      const readmeBlock = (/## Trying it with curl[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "")
        .replace("API=http://127.0.0.1:8787", `API=${apiUrl()}`)
        .replace("<the dev token npm start printed>", tokenOf("Dev token"));
      for (const [name, script] of [
        ["banner", bannerLines.replace(/^ {2}/gm, "")],
        ["README", readmeBlock.replace("'hello, artifacts'", "'hello from the README'")],
      ] as const) {
        const folder = await dataFolder();
        const { stdout } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", script], {
          cwd: folder,
          env: userEnv({}),
        });
        expect(stdout, name).toBe(name === "banner" ? "hello, artifacts\n" : "hello from the README\n");
      }
    });

    it("accepts a webhook receiver on this machine, and still never the metadata address", async () => {
      const subscribe = (url: string) =>
        fetch(`${apiUrl()}/v1/webhooks`, {
          method: "POST",
          headers: { authorization: `Bearer ${tokenOf("Dev token")}`, "content-type": "application/json" },
          body: JSON.stringify({ url, events: ["artifact.available"] }),
        });
      expect((await subscribe("http://localhost:9/hook")).status).toBe(201);
      expect((await subscribe("http://169.254.169.254/latest/meta-data/")).status).toBe(400);
    });
  });

  it("shows the local RGW's development credentials, for awscli, rclone and boto3", () => {
    const banner = startBanner({
      apiUrl: "http://127.0.0.1:8787",
      storage: {
        endpoint: "http://127.0.0.1:7480",
        region: "us-east-1",
        bucket: "artifacts",
        accessKeyId: "artifactstore",
        secretAccessKey: "artifactstore-secret-key",
      },
      localStorage: true,
      catalogue: "PGlite in .data/catalog",
      token: "t",
      adminToken: "a",
      webhookPrivateRanges: "127.0.0.0/8,::1/128",
    });
    expect(banner).toContain(
      [
        '  Storage:      http://127.0.0.1:7480   region us-east-1   bucket "artifacts"',
        "  S3 access:    key artifactstore   secret artifactstore-secret-key",
        "                (local-only development credentials of the RGW on this machine)",
      ].join("\n"),
    );
    expect(banner).toContain(
      "  export AWS_ACCESS_KEY_ID=artifactstore AWS_SECRET_ACCESS_KEY=artifactstore-secret-key \\\n" +
        "    AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:7480",
    );
    expect(banner).toMatch(/aws s3 ls s3:\/\/artifacts\//);
    expect(banner).toMatch(/rclone ls :s3:artifacts /);
    expect(banner).toMatch(/boto3\.client\("s3"\)/);
  });
});

describe("npm run dev-token", () => {
  it("refuses to mint with a secret the store does not have", async () => {
    const folder = await dataFolder();
    const failed = await devToken(userEnv({ DATA_DIR: folder }), "--sub", "alice");
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim()).toBe(
      `[dev-token] No development secret at ${join(folder, "dev-jwt-secret")}: start the store once with ` +
        "`npm start` (with the same DATA_DIR), or set AUTH_JWT_SECRET to the secret it runs with.",
    );
    expect(existsSync(join(folder, "dev-jwt-secret"))).toBe(false);
  });

  it("says what it needs", async () => {
    const failed = await devToken(userEnv({ AUTH_JWT_SECRET: "x".repeat(40) }));
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^--sub is required\.\n\nUsage: npm run dev-token -- --sub USER/);
  });
});

describe("the prerequisites", () => {
  // npm ci warned EBADENGINE (sst's @aws/durable-execution-sdk-js asks for Node 22); with
  // --engine-strict that warning is an error. Run on a copy of the manifests: nothing is installed.
  it("every locked dependency supports the Node this runs on, which package.json's engines allow", async () => {
    const copy = await dataFolder();
    await cp("package.json", join(copy, "package.json"));
    await cp("package-lock.json", join(copy, "package-lock.json"));
    for (const name of await readdir("packages")) {
      if (!existsSync(join("packages", name, "package.json"))) continue;
      await mkdir(join(copy, "packages", name), { recursive: true });
      await cp(join("packages", name, "package.json"), join(copy, "packages", name, "package.json"));
    }
    const checked = await promisify(execFile)(
      "npm",
      ["ci", "--dry-run", "--engine-strict", "--ignore-scripts", "--no-audit", "--no-fund"],
      { cwd: copy },
    ).then(
      () => "ok",
      (error: { stderr: string }) => error.stderr,
    );
    expect(checked).toBe("ok");
  });
});

/** A free TCP port on loopback. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const hasDebianPostgres = (() => {
  try {
    execFileSync("which", ["pg_createcluster"], { stdio: "ignore" });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
})();

// On the PostgreSQL project only: the server under test there is the one npm test uses.
describe.skipIf(!process.env.DATABASE_URL)("npm test's PostgreSQL", () => {
  const ROLES_AND_PASSWORDS = "select rolname, rolpassword from pg_authid order by rolname";

  it("databases of the run's own, dropped afterwards; no role or password changed", async () => {
    const admin = postgres(process.env.DATABASE_URL ?? "", { max: 1, onnotice: () => {} });
    try {
      const before = await admin.unsafe(ROLES_AND_PASSWORDS);
      const server = await openPostgres(() => {});
      const name = `artifact_store_test_${run}`;
      const url = await server.createDatabase(name);
      const inside = postgres(url, { max: 1 });
      expect((await inside`select current_database() as name`)[0]?.name).toBe(name);
      await inside.end();
      await server.dispose();
      expect(await admin.unsafe("select 1 from pg_database where datname = $1", [name])).toHaveLength(0);
      expect(await admin.unsafe(ROLES_AND_PASSWORDS)).toEqual(before);
    } finally {
      await admin.end();
    }
  });

  // A fresh Debian cluster lets only the postgres OS user in (peer auth); made on a port of its own.
  it.skipIf(!hasDebianPostgres)(
    "on a cluster that lets only its OS user in: a role of the run's own, dropped with its databases",
    { timeout: 120_000 },
    async () => {
      const version = execFileSync("ls", ["/etc/postgresql"]).toString().trim().split("\n")[0] ?? "";
      const cluster = `first_hour_${run.replaceAll("-", "")}`;
      const port = await freePort();
      const psql = (sql: string) =>
        execFileSync("su", ["postgres", "-c", `psql -X -At -p ${port} -d postgres`], { input: sql })
          .toString()
          .trim();
      execFileSync("pg_createcluster", [version, cluster, "-p", String(port), "--start"], {
        stdio: "ignore",
      });
      try {
        const before = psql(`${ROLES_AND_PASSWORDS};`);
        const said: string[] = [];
        const server = await openPostgres((line) => said.push(line), { port, databaseUrl: "" });
        expect(server.role).toMatch(/^artifact_store_run_[0-9a-f]{12}$/);
        expect(said).toEqual([
          `PostgreSQL lets only its OS user in: made role ${server.role} for this run (dropped at the end)`,
        ]);
        await server.createDatabase(`artifact_store_test_${run}`);
        // As test/support/stack.ts ownDatabase() makes one, left behind by a test that died.
        const asRun = postgres(server.url, { max: 1, onnotice: () => {} });
        await asRun.unsafe(`create database "artifact_store_t_${run.replaceAll("-", "")}"`);
        await asRun.end();
        await server.dispose();
        expect(psql("select datname from pg_database order by 1;").split("\n")).toEqual([
          "postgres",
          "template0",
          "template1",
        ]);
        expect(psql(`${ROLES_AND_PASSWORDS};`)).toBe(before);
      } finally {
        execFileSync("pg_dropcluster", ["--stop", version, cluster], { stdio: "ignore" });
      }
    },
  );
});
