import { describe, expect, it } from "vitest";
import { attachmentDisposition } from "./content-disposition";
import { artifactObjectKey, extensionOf, ownerKeySegment } from "./keys";
import { normalizeFilename, normalizeTags, validateMetadata } from "./validation";

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
    expect(() => validateMetadata({ big: "x".repeat(17_000) })).toThrow(/bytes/);
  });
});

describe("Content-Disposition", () => {
  it("keeps the exact UTF-8 name and a safe ASCII fallback", () => {
    expect(attachmentDisposition('résumé "final".pdf')).toBe(
      `attachment; filename="r_sum_ _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
  });
});
