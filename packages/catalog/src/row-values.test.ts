import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./database";
import { toDate, toIsoOrNull, toJson, toNullableDate, toNullableNumber, toNullableText } from "./row-values";

const AT = "2026-03-01T12:00:00.123Z";

describe("row values", () => {
  it("reads a timestamp as a Date, from a Date or from text, keeping its milliseconds", () => {
    const date = new Date(AT);
    expect(toDate(date)).toBe(date);
    expect(toDate(AT).toISOString()).toBe(AT);
    // Read through String(date), as backup and integrity runs once were, it lost them.
    expect(new Date(String(date)).toISOString()).toBe("2026-03-01T12:00:00.000Z");
  });

  it("reads a SQL null (or a column not selected) as null where a column may be null", () => {
    expect(toNullableDate(null)).toBeNull();
    expect(toNullableDate(undefined)).toBeNull();
    expect(toNullableDate(AT)?.toISOString()).toBe(AT);
    expect(toNullableNumber(null)).toBeNull();
    expect(toNullableNumber(undefined)).toBeNull();
    expect(toNullableNumber(0)).toBe(0);
    expect(toNullableNumber("9007199254740991")).toBe(Number.MAX_SAFE_INTEGER);
    expect(toNullableText(null)).toBeNull();
    expect(toNullableText(undefined)).toBeNull();
    expect(toNullableText("")).toBe("");
  });

  it("reads json parsed or as text", () => {
    const object = { a: 1 };
    expect(toJson(object)).toBe(object);
    expect(toJson('{"a":1}')).toEqual(object);
    expect(toJson<unknown[]>("[1,2]")).toEqual([1, 2]);
  });

  it("writes a timestamp parameter as ISO 8601, null as null", () => {
    expect(toIsoOrNull(new Date(AT))).toBe(AT);
    expect(toIsoOrNull(null)).toBeNull();
    expect(toIsoOrNull(undefined)).toBeNull();
  });
});

// What the engine under test hands back (PGlite, or the server of DATABASE_URL), read back.
describe("row values from the engine", () => {
  const url = process.env.DATABASE_URL || undefined;
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase(
      url ? { url, embeddedDataDir: "", maxConnections: 1 } : { embeddedDataDir: "memory://" },
    );
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  it("reads timestamptz, bigint, integer, jsonb and nulls as the domain has them", async () => {
    const [row] = await db.query(
      `select $1::timestamptz as at, null::timestamptz as never, 9007199254740991::bigint as big,
         404::integer as status, null::integer as no_status, '{"a":[1]}'::jsonb as doc, null::text as note`,
      [AT],
    );
    expect(toDate(row?.at).toISOString()).toBe(AT);
    expect(toNullableDate(row?.never)).toBeNull();
    expect(Number(row?.big)).toBe(Number.MAX_SAFE_INTEGER);
    expect(toNullableNumber(row?.status)).toBe(404);
    expect(toNullableNumber(row?.no_status)).toBeNull();
    expect(toJson(row?.doc)).toEqual({ a: [1] });
    expect(toNullableText(row?.note)).toBeNull();
  });
});
