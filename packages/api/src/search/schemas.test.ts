import { DomainError } from "@artifact-store/core";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { SearchQuery } from "./schemas";

describe("the search query string, read into criteria", () => {
  it("splits lists, reads times, numbers and the count flag", () => {
    const criteria = v.parse(SearchQuery, {
      q: "pricing",
      tags: "a,b",
      state: "verified,corrupt,verified",
      minSize: "10",
      createdFrom: "2026-01-01T00:00:00Z",
      metadata: '{"lang":"en"}',
      count: "true",
    });
    expect(criteria).toMatchObject({
      text: "pricing",
      tagsAll: ["a", "b"],
      states: ["verified", "corrupt"],
      minSize: 10,
      createdFrom: new Date("2026-01-01T00:00:00Z"),
      metadata: { lang: "en" },
      count: true,
    });
  });

  it("counts only when asked", () => {
    expect(v.parse(SearchQuery, {}).count).toBe(false);
    expect(v.parse(SearchQuery, { count: "false" }).count).toBe(false);
  });

  it.each(["nope", "[1]", "null"])("refuses a metadata filter %s with its own code", (metadata) => {
    const attempt = () => v.parse(SearchQuery, { metadata });
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(expect.objectContaining({ code: "invalid_metadata_filter" }));
  });
});
