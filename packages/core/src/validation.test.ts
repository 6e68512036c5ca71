import { describe, expect, it } from "vitest";
import { attachmentDisposition } from "./content-disposition";
import { artifactObjectKey, extensionOf, ownerKeySegment } from "./keys";
import {
  METADATA_MAX_DEPTH,
  normalizeFilename,
  normalizeTags,
  requireStorableText,
  unstorableTextAt,
  validateMetadata,
} from "./validation";

/** An object `levels` deep: {"a": {"a": ... {"a": 1}}}. */
const nested = (levels: number): Record<string, unknown> => {
  let value: Record<string, unknown> = { a: 1 };
  for (let level = 1; level < levels; level += 1) value = { a: value };
  return value;
};

describe("filenames", () => {
  it("keep only the last path segment", () => {
    expect(normalizeFilename("../../etc/passwd")).toBe("passwd");
    expect(normalizeFilename("C:\\Users\\me\\page.html")).toBe("page.html");
  });

  it("refuse control characters, empty names and names over 255 bytes", () => {
    expect(() => normalizeFilename("a\nb.txt")).toThrow(/control characters/);
    expect(() => normalizeFilename("dir/")).toThrow(/name a file/);
    expect(() => normalizeFilename("é".repeat(128))).toThrow(/255 bytes/);
  });

  it.each([
    ["a right-to-left override", "invoice\u202Efdp.exe", "U+202E"],
    ["a left-to-right embedding", "\u202Areport.pdf", "U+202A"],
    ["a bidi isolate", "a\u2067b.txt", "U+2067"],
    ["a zero-width space", "pass\u200Bwords.txt", "U+200B"],
    ["a right-to-left mark", "a\u200Fb.txt", "U+200F"],
    ["a byte order mark", "\uFEFFnotes.txt", "U+FEFF"],
    ["a soft hyphen", "se\u00ADcret.txt", "U+00AD"],
  ])("refuse %s, naming the character", (_label, name, codePoint) => {
    expect(() => normalizeFilename(name)).toThrow(expect.objectContaining({ code: "invalid_filename" }));
    expect(() => normalizeFilename(name)).toThrow(codePoint);
  });

  it("keep visible non-Latin names, right-to-left scripts included", () => {
    expect(normalizeFilename("تقرير.pdf")).toBe("تقرير.pdf");
    // Persian spells with the zero-width non-joiner; emoji sequences join with U+200D.
    expect(normalizeFilename("می\u200Cخواهم.txt")).toBe("می\u200Cخواهم.txt");
    expect(normalizeFilename("team-\u{1F469}\u200D\u{1F4BB}.png")).toBe("team-\u{1F469}\u200D\u{1F4BB}.png");
    expect(normalizeFilename("résumé 履歴書.txt")).toBe("résumé 履歴書.txt");
  });
});

describe("object keys", () => {
  const digest = (value: string) => `digest-of-${value.length}`.padEnd(40, "0");

  it("are built from server-issued ids and a cleaned extension only", () => {
    expect(artifactObjectKey("alice", "id-1", "../../x.PDF")).toBe("artifacts/users/alice/id-1.pdf");
    expect(extensionOf("archive.tar.gz")).toBe(".gz");
    expect(extensionOf("no-extension")).toBe("");
    expect(extensionOf("weird.ext/../..")).toBe("");
  });

  it("hash owner ids that could not safely be a key segment", () => {
    expect(ownerKeySegment("user_42", digest)).toBe("user_42");
    expect(ownerKeySegment("auth0|abc/../x", digest)).toMatch(/^h-digest-of-14/);
  });
});

describe("tags and metadata", () => {
  it("lower-case and de-duplicate tags, and refuse bad ones", () => {
    expect(normalizeTags(["News", "news", "crawl:2026"])).toEqual(["news", "crawl:2026"]);
    expect(() => normalizeTags(["has space"])).toThrow(/not valid/);
    expect(() => normalizeTags(Array.from({ length: 51 }, (_, i) => `t${i}`))).toThrow(/At most 50/);
  });

  it("limit metadata size and depth", () => {
    expect(validateMetadata({ a: 1 })).toEqual({ a: 1 });
    expect(() => validateMetadata({ big: "x".repeat(17_000) })).toThrow(
      expect.objectContaining({ code: "metadata_too_large" }),
    );
    expect(validateMetadata(nested(METADATA_MAX_DEPTH))).toEqual(nested(METADATA_MAX_DEPTH));
    expect(() => validateMetadata(nested(METADATA_MAX_DEPTH + 1))).toThrow(
      expect.objectContaining({ code: "metadata_too_deep" }),
    );
    expect(() => validateMetadata({ list: [[[[[[[[1]]]]]]]] })).toThrow(/at most 8 levels/);
  });

  it("refuse metadata nested far too deep without overflowing the stack", () => {
    expect(() => validateMetadata(nested(100_000))).toThrow(
      expect.objectContaining({ code: "metadata_too_deep" }),
    );
  });
});

describe("Content-Disposition", () => {
  it("keeps the exact UTF-8 name and a safe ASCII fallback", () => {
    expect(attachmentDisposition('résumé "final".pdf')).toBe(
      `attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
  });
});

describe("storable text", () => {
  it("names the first string or key PostgreSQL cannot store: U+0000 or half a surrogate pair", () => {
    expect(unstorableTextAt({ a: ["ok", { b: "x\u0000" }] })).toBe("a.1.b");
    expect(unstorableTextAt({ "k\ud800": 1 })).toBe("k\ud800");
    expect(unstorableTextAt("\udfff")).toBe("");
    expect(unstorableTextAt({ emoji: "🙂", text: "é", n: 1, none: null })).toBeNull();
  });

  it("walks values of any depth", () => {
    let deep: unknown = "\u0000";
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    expect(unstorableTextAt(deep)?.split(".")).toHaveLength(100_000);
    expect(() => requireStorableText({ t: "\u0000" }, "body")).toThrow(
      expect.objectContaining({ code: "invalid_characters" }),
    );
  });
});
