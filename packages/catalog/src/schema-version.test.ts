import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "./migrations";
import { SCHEMA_VERSION } from "./schema-version";

describe("SCHEMA_VERSION", () => {
  it("is the version of the last migration, so deployed functions ask for exactly what migrate makes", () => {
    expect(SCHEMA_VERSION).toBe(Math.max(...MIGRATIONS.map((migration) => migration.version)));
  });
});
