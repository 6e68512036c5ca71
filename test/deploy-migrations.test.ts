import { MIGRATIONS, SCHEMA_VERSION } from "@artifact-store/catalog";
import { createRuntime, loadConfig, type Runtime, useRuntime } from "@artifact-store/runtime";
import { afterAll, beforeAll, expect, it } from "vitest";
import { handler as migrateCatalog } from "../functions/migrate-catalog";
import { app as searchArtifacts } from "../functions/search-artifacts";
import { ownDatabase } from "./support/stack";

// As deployed: functions only check the catalogue's schema version; the migrate-catalog function,
// which `sst deploy` invokes, migrates.

let runtime: Runtime;
let database: Awaited<ReturnType<typeof ownDatabase>>;

beforeAll(async () => {
  database = await ownDatabase();
  const env = {
    ...process.env,
    ...(database ? { DATABASE_URL: database.url } : {}),
    CATALOG_DATA_DIR: "memory://",
    AUTH_JWT_SECRET: "test-secret-test-secret-test-secret-42",
  };
  // Built as a deployed function builds it: no `migrate` passed in.
  runtime = await createRuntime(loadConfig(env));
  useRuntime(runtime);
});

afterAll(async () => {
  await runtime?.close();
  await database?.drop();
});

it("a function on a catalogue never migrated answers 503 catalogue_not_migrated, and creates nothing", async () => {
  const response = await searchArtifacts.request("/v1/artifacts");
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({ error: { code: "catalogue_not_migrated" } });
  const [tables] = await runtime.catalog.db.query<{ n: number }>(
    "select count(*)::int as n from information_schema.tables where table_name = 'artifacts'",
  );
  expect(tables?.n).toBe(0);
});

it("after the deploy's migrate-catalog run the same function serves, and a second run applies nothing", async () => {
  const first = (await migrateCatalog({}, {})) as { applied: number[] };
  expect(first.applied).toEqual(MIGRATIONS.map((migration) => migration.version));
  expect(first.applied.at(-1)).toBe(SCHEMA_VERSION);
  const response = await searchArtifacts.request("/v1/artifacts");
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ artifacts: [] });
  expect(await migrateCatalog({}, {})).toEqual({ applied: [] });
});
