import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../schema-version";
import { MIGRATIONS, type Migration, SCHEMA_HISTORY, type UnusedVersion } from "./index";

const folder = dirname(fileURLToPath(import.meta.url));
const NUMBERED_FILE = /^(\d{4})-[a-z0-9-]+\.ts$/;

// The SQL of every released migration, as released: a database that applied one never applies it
// again, so an edit would leave it and a fresh database with different schemas. A new migration
// adds its line once released.
const RELEASED_SQL_SHA256: Record<number, string> = {
  1: "7492837ef57f5bfe2c1565ea68808418f1eb33ca8c7412d7adbf4d5e672a0922",
  2: "0da7454a399d8ced5963bb9570f948606f4c14004902d89c2c5244c3a800ed24",
  3: "d8ee64416dd140edad1d75fa7d51c219a3ca7310c7a67d6fadef1a540b545736",
  4: "6da5dea92c52d452fe5226639ffcbda9b062bd20dd18d853d16b401803a27fff",
  5: "41563f879d763f7892e6c51ed125318c67786a29038baab956b88be0f36f7aef",
  6: "06159729fd972cbf192768b1c14ff371039ba0ff6ab433ef210d2e5b9b4418c5",
  7: "415eb1b12b849eb878a50f91105b5c9c551471ea9d08e5f0173c8cf1b2a08f1c",
  8: "171f0bfc218e33692a98a9afc39e3a9541867044add355506bbf33a73126a10c",
  9: "fafb4f4b202432729d18f15d4072acd292fa1a7704ed51d7673e068ac9040fe6",
  10: "957198bbe232d5dfbdc8c94eb45d10a853917315e8e609b1671aa88a97d981b5",
  11: "3b483c501393b9b6f14dd5294d300a9a78bc183eb612cb94627a8c6079e7266e",
  12: "5ee92e4895c9e40969be87cefb62fe8a2cba5a72390393e936afb938f985e961",
  14: "88f8df5349b0914783307419802ee30fa6e3eadab82a6cfb3eb165ca4aae15d6",
  15: "1f7c71f106c7e7959854af0f96ed1a58055d2ef4c2f708b4d7ba7a6703d2ede1",
  16: "c7119465cafac7e90b524f2ab7ef6582cb3eb42d6697f0b9f1cf1599dd17537b",
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("the schema history", () => {
  it("numbers versions 1 to SCHEMA_VERSION in order, none missing, none twice", () => {
    expect(SCHEMA_HISTORY.map((entry) => entry.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, index) => index + 1),
    );
  });

  it("ends at SCHEMA_VERSION, so deployed functions ask for exactly what migrate makes", () => {
    expect(MIGRATIONS.at(-1)?.version).toBe(SCHEMA_VERSION);
  });

  it("applies every version but those never used, in order", () => {
    expect(MIGRATIONS).toEqual(SCHEMA_HISTORY.filter((entry) => "sql" in entry));
    const unused = SCHEMA_HISTORY.filter((entry): entry is UnusedVersion => !("sql" in entry));
    expect(unused.map((entry) => entry.version)).toEqual([13]);
  });

  it("lists each numbered file of the folder under the version its name gives", async () => {
    const files = (await readdir(folder)).filter((file) => NUMBERED_FILE.test(file)).sort();
    const listed: (Migration | UnusedVersion)[] = [];
    for (const file of files) {
      const { migration } = (await import(/* @vite-ignore */ pathToFileURL(join(folder, file)).href)) as {
        migration: Migration | UnusedVersion;
      };
      expect(migration.version, file).toBe(Number(file.slice(0, 4)));
      listed.push(migration);
    }
    expect(SCHEMA_HISTORY).toEqual(listed);
  });

  it("names each migration once (schema_migrations records the name)", () => {
    const names = MIGRATIONS.map((migration) => migration.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("keeps released migrations as they were released", () => {
    const released = Object.entries(RELEASED_SQL_SHA256).map(([version]) => Number(version));
    expect(released.length).toBeGreaterThan(0);
    for (const migration of MIGRATIONS.filter((migration) => released.includes(migration.version))) {
      expect(sha256(migration.sql), `migration ${migration.version}`).toBe(
        RELEASED_SQL_SHA256[migration.version],
      );
    }
  });
});
