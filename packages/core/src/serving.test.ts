import { describe, expect, it } from "vitest";
import type { Integrity } from "./model";
import { SAFE_BINARY_TYPE, servedContentType } from "./serving";

const checked = (sniffedType: string | null, contentTypeMismatch = false): Integrity => ({
  checkedAt: new Date(0),
  verifiedAt: new Date(0),
  reason: null,
  details: {},
  sniffedType,
  contentTypeMismatch,
  sha256Source: "uploader",
});

describe("servedContentType", () => {
  it("serves HTML, XHTML, SVG, XML and scripts as plain text, keeping their charset", () => {
    expect(servedContentType("text/html", checked(null))).toBe("text/plain; charset=utf-8");
    expect(servedContentType("text/html; charset=ISO-8859-1", checked(null))).toBe(
      "text/plain; charset=ISO-8859-1",
    );
    for (const type of [
      "application/xhtml+xml",
      "image/svg+xml",
      "text/xml",
      "application/xml",
      "application/rss+xml",
      "text/javascript",
      "application/javascript",
      "application/x-javascript",
    ]) {
      expect(servedContentType(type, checked("application/xml")), type).toBe("text/plain; charset=utf-8");
    }
    expect(servedContentType("application/x-shockwave-flash", checked(null))).toBe(SAFE_BINARY_TYPE);
  });

  it("serves unknown types as opaque bytes", () => {
    for (const type of ["application/x-unknown", "application/vnd.custom", "text/x-something"]) {
      expect(servedContentType(type, checked(null)), type).toBe(
        type.startsWith("text/") ? "text/plain; charset=utf-8" : SAFE_BINARY_TYPE,
      );
    }
  });

  it("keeps inert text types as declared", () => {
    expect(servedContentType("text/plain; charset=utf-8", checked(null))).toBe("text/plain; charset=utf-8");
    expect(servedContentType("application/json", checked(null))).toBe("application/json");
    expect(servedContentType("text/csv", checked(null))).toBe("text/csv");
  });

  it("names inert binary types only when their first bytes confirmed them", () => {
    expect(servedContentType("image/png", checked("image/png"))).toBe("image/png");
    expect(servedContentType("application/pdf", checked("application/pdf"))).toBe("application/pdf");
    expect(servedContentType("video/mp4", checked("video/mp4"))).toBe("video/mp4");
    expect(servedContentType("image/png", checked(null))).toBe(SAFE_BINARY_TYPE);
    expect(servedContentType("image/png")).toBe(SAFE_BINARY_TYPE);
    expect(servedContentType("application/pdf", checked("image/png", true))).toBe(SAFE_BINARY_TYPE);
  });
});
