import { describe, expect, it } from "vitest";
import { applyEdit, applyLifecycleEdit } from "./artifact-edit";
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

describe("applyLifecycleEdit", () => {
  const at = new Date("2026-11-30T12:00:00Z");
  const by = { actor: "user:admin", at };

  it("sets, keeps and clears an expiry, which must be in the future and within 10 years", () => {
    expect(applyLifecycleEdit({}, { expiresAt: "2026-12-01T00:00:00Z" }, by).expiresAt).toEqual(
      new Date("2026-12-01T00:00:00Z"),
    );
    const expiresAt = new Date("2027-01-01T00:00:00Z");
    expect(applyLifecycleEdit({ expiresAt }, { metadata: {} }, by).expiresAt).toBe(expiresAt);
    expect(applyLifecycleEdit({ expiresAt }, { expiresAt: null }, by).expiresAt).toBeNull();
    expect(() => applyLifecycleEdit({}, { expiresAt: "2026-11-30T11:59:59Z" }, by)).toThrow(/future/);
    expect(() => applyLifecycleEdit({}, { expiresAt: "2037-01-01T00:00:00Z" }, by)).toThrow(/10 years/);
  });

  it("puts on a hold with who, when and why; a repeat keeps the first; false releases it", () => {
    const held = applyLifecycleEdit({}, { legalHold: true, legalHoldReason: "case 1" }, by).legalHold;
    expect(held).toEqual({ setBy: "user:admin", setAt: at, reason: "case 1" });
    const later = { actor: "user:other", at: new Date("2026-12-05T00:00:00Z") };
    expect(applyLifecycleEdit({ legalHold: held }, { legalHold: true }, later).legalHold).toEqual(held);
    expect(applyLifecycleEdit({ legalHold: held }, { legalHold: false }, later).legalHold).toBeNull();
    expect(() => applyLifecycleEdit({}, { legalHoldReason: "why" }, by)).toThrow(/legalHold: true/);
  });
});
