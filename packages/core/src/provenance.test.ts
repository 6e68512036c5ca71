import { describe, expect, it } from "vitest";
import { normalizeProvenance, sourceHostOf } from "./provenance";

describe("provenance", () => {
  it("is null when nothing is given", () => {
    expect(normalizeProvenance(undefined)).toBeNull();
    expect(normalizeProvenance({})).toBeNull();
    expect(normalizeProvenance({ headers: {} })).toBeNull();
  });

  it("canonicalises URLs and header names, and names the source host", () => {
    const provenance = normalizeProvenance({
      sourceUrl: "HTTPS://Bücher.Example/a b",
      fetchedAt: "2026-11-01T10:00:00Z",
      headers: { "Content-Type": "text/html" },
    });
    expect(provenance).toMatchObject({
      sourceUrl: "https://xn--bcher-kva.example/a%20b",
      fetchedAt: new Date("2026-11-01T10:00:00Z"),
      headers: { "content-type": "text/html" },
      httpStatus: null,
    });
    expect(sourceHostOf(provenance)).toBe("xn--bcher-kva.example");
  });

  it("refuses what is not provenance", () => {
    for (const input of [
      { sourceUrl: "ftp://example.com/" },
      { finalUrl: "/relative" },
      { httpStatus: 99 },
      { jobId: "two words" },
      { headers: { "bad name": "x" } },
      { headers: { ok: "line\nbreak" } },
      { headers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`h${i}`, "x"])) },
    ]) {
      expect(() => normalizeProvenance(input), JSON.stringify(input)).toThrow(/provenance/);
    }
  });
});
