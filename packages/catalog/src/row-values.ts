/** A row as an engine hands it back: column name to value. */
export type Row = Record<string, unknown>;

// The two engines differ in what they hand back: bigint as a string or a number, json parsed or
// as text; timestamptz comes as a Date, but as text from inside json. These read any of them.

export const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

/** Null for a SQL null (or a column the query did not select). */
export const toNullableDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : toDate(value);

export const toNullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

export const toNullableText = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

export const toJson = <T = Record<string, unknown>>(value: unknown): T =>
  (typeof value === "string" ? JSON.parse(value) : value) as T;

/** A timestamptz parameter: ISO 8601 keeps the milliseconds and the zone; null stays null. */
export const toIsoOrNull = (date: Date | null | undefined): string | null => date?.toISOString() ?? null;
