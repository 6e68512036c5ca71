import { describe, expect, it } from "vitest";
import { applyEdit } from "./artifact-edit";
import { canonicalJson } from "./canonical-json";
import { DomainError } from "./errors";
import type { EditableFields } from "./model";

const current: EditableFields = { metadata: { a: 1 }, tags: ["x", "y"], visibility: "private" };

describe("applyEdit", () => {
  it("replaces, then removes, then adds tags, normalised and de-duplicated", () => {
    expect(applyEdit(current, { tags: { add: [" Z ", "x"], remove: ["Y"] } }).tags).toEqual(["x", "z"]);
    expect(applyEdit(current, { tags: { replace: ["b", "a"], add: ["c"], remove: ["a"] } }).tags).toEqual([
      "b",
      "c",
    ]);
  });

  it("keeps what the edit does not name", () => {
    expect(applyEdit(current, { visibility: "public" })).toEqual({ ...current, visibility: "public" });
  });

  it("rejects bad tags, too many tags, oversized metadata and empty edits", () => {
    expect(() => applyEdit(current, { tags: { add: ["no spaces"] } })).toThrow(DomainError);
    const many = Array.from({ length: 49 }, (_, i) => `t${i}`);
    expect(() => applyEdit(current, { tags: { add: many } })).toThrow(/At most 50 tags/);
    expect(() => applyEdit(current, { metadata: { big: "x".repeat(20_000) } })).toThrow(/bytes of JSON/);
    expect(() => applyEdit(current, {})).toThrow(/at least one/);
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every level, whatever order they came in", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: null }], a: "x", u: undefined })).toBe(
      '{"a":"x","b":[1,{"c":null,"d":1}]}',
    );
  });
});
