import { describe, expect, it } from "vitest";
import { contentTypesAgree, integrityVerdict, isTextual, type ObservedBytes } from "./integrity";

const at = new Date("2026-11-30T12:00:00Z");
const HASH = "a".repeat(64);
const declared = { size: 100, sha256: HASH, contentType: "image/png" };
const png: ObservedBytes = { size: 100, sha256: HASH, sniffedType: "image/png", declaredTypeSniffable: true };

describe("integrityVerdict", () => {
  it("verifies bytes of the declared size, hash and type", () => {
    expect(integrityVerdict(declared, png, "flag", at)).toEqual({
      state: "verified",
      integrity: {
        checkedAt: at,
        verifiedAt: at,
        reason: null,
        details: {},
        sniffedType: "image/png",
        contentTypeMismatch: false,
        sha256Source: "uploader",
      },
    });
  });

  it("with no SHA-256 declared, records the server's hash of bytes of the declared size", () => {
    const undeclared = { ...declared, sha256: null };
    expect(integrityVerdict(undeclared, png, "flag", at)).toMatchObject({
      state: "verified",
      sha256: HASH,
      integrity: { sha256Source: "server", verifiedAt: at },
    });
    // Bytes of another size are not the upload: corrupt, and no hash is recorded for them.
    const short = integrityVerdict(undeclared, { ...png, size: 99 }, "flag", at);
    expect(short).toMatchObject({ state: "corrupt", integrity: { reason: "size_mismatch" } });
    expect(short).not.toHaveProperty("sha256");
    // A later check compares with the recorded hash, and still says whose it is.
    const previous = integrityVerdict(undeclared, png, "flag", at).integrity;
    const rechecked = integrityVerdict(declared, { ...png, sha256: "b".repeat(64) }, "flag", at, previous);
    expect(rechecked).toMatchObject({
      state: "corrupt",
      integrity: { reason: "sha256_mismatch", sha256Source: "server" },
    });
  });

  it("finds a missing object, a wrong size and a wrong hash corrupt, saying what was expected", () => {
    expect(integrityVerdict(declared, null, "flag", at)).toMatchObject({
      state: "corrupt",
      integrity: { reason: "object_missing", verifiedAt: null },
    });
    expect(integrityVerdict(declared, { ...png, size: 99 }, "flag", at).integrity).toMatchObject({
      reason: "size_mismatch",
      details: { expectedSize: 100, actualSize: 99 },
    });
    expect(
      integrityVerdict(declared, { ...png, sha256: "b".repeat(64) }, "flag", at).integrity,
    ).toMatchObject({
      reason: "sha256_mismatch",
      details: { expected: HASH, actual: "b".repeat(64) },
    });
  });

  it("keeps when the bytes were last proven good when a later check finds them corrupt", () => {
    const earlier = integrityVerdict(declared, png, "flag", new Date("2026-01-01T00:00:00Z")).integrity;
    const later = integrityVerdict(declared, null, "flag", at, earlier).integrity;
    expect(later.verifiedAt).toEqual(new Date("2026-01-01T00:00:00Z"));
    expect(later.checkedAt).toEqual(at);
  });

  it("flags a contradicted content type, or rejects it when so configured", () => {
    const pdf = { ...declared, contentType: "application/pdf" };
    expect(integrityVerdict(pdf, png, "flag", at)).toMatchObject({
      state: "verified",
      integrity: {
        reason: null,
        contentTypeMismatch: true,
        details: { declaredType: "application/pdf", sniffedType: "image/png" },
      },
    });
    expect(integrityVerdict(pdf, png, "reject", at)).toMatchObject({
      state: "corrupt",
      integrity: { reason: "content_type_mismatch", contentTypeMismatch: true },
    });
  });
});

describe("contentTypesAgree", () => {
  it("never flags text types the sniffer cannot recognise", () => {
    for (const type of ["text/html; charset=utf-8", "application/json", "text/csv", "text/plain"]) {
      expect(contentTypesAgree(type, null, false), type).toBe(true);
    }
    // Even when the sniffer lists the type (XML), text without a signature proves nothing.
    expect(contentTypesAgree("application/xml", null, true)).toBe(true);
  });

  it("flags binary bytes declared as text, and a signature-less body declared as a binary format", () => {
    expect(contentTypesAgree("text/plain", "image/png", false)).toBe(false);
    expect(contentTypesAgree("image/png", null, true)).toBe(false);
    expect(contentTypesAgree("image/jpeg", "image/png", true)).toBe(false);
  });

  it("accepts aliases, XML dialects, zip-based documents, compressed archives and shared containers", () => {
    expect(contentTypesAgree("image/jpg", "image/jpeg", true)).toBe(true);
    expect(contentTypesAgree("image/svg+xml", "application/xml", false)).toBe(true);
    expect(contentTypesAgree("application/xhtml+xml", "application/xml", false)).toBe(true);
    expect(contentTypesAgree("application/epub+zip", "application/zip", true)).toBe(true);
    expect(
      contentTypesAgree(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip",
        true,
      ),
    ).toBe(true);
    expect(contentTypesAgree("application/warc", "application/gzip", false)).toBe(true);
    expect(contentTypesAgree("image/png", "application/gzip", true)).toBe(false);
    expect(contentTypesAgree("audio/mp4", "video/mp4", true)).toBe(true);
    expect(contentTypesAgree("application/octet-stream", "image/png", false)).toBe(true);
  });

  it("knows text when it sees it", () => {
    expect(
      ["text/html", "image/svg+xml", "application/ld+json", "application/javascript"].map(isTextual),
    ).toEqual([true, true, true, true]);
    expect(["image/png", "application/pdf", "application/zip"].some(isTextual)).toBe(false);
  });
});
