import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Artifact, canonicalJson } from "@artifact-store/core";
import { describe, expect, it } from "vitest";
import { readSidecar, sidecarOf } from "./sidecar";

// The fixtures are sidecars as written: version 2 by the code that embedded the API's
// ArtifactView (saved before the format got its own schema), version 3 by sidecarOf today.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

/** The record the fixtures were written from. */
const verified: Artifact = {
  id: "0f8fad5b-d9cb-469f-a165-70867728950e",
  ownerId: "user-1",
  objectKey: "artifacts/users/user-1/0f8fad5b-d9cb-469f-a165-70867728950e.html",
  filename: "page.html",
  contentType: "text/html",
  size: 5120,
  sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  metadata: { title: "Example page", lang: "en", nested: { depth: 1 } },
  tags: ["crawl-42", "news"],
  provenance: {
    sourceUrl: "https://example.org/news",
    finalUrl: "https://www.example.org/news",
    httpStatus: 200,
    fetchedAt: new Date("2026-11-30T01:02:03.456Z"),
    jobId: "job-7",
    runId: "run-8",
    userAgent: "crawler/1.0",
    headers: { "content-type": "text/html; charset=utf-8" },
  },
  visibility: "private",
  state: "verified",
  etag: '"d41d8cd98f00b204e9800998ecf8427e"',
  version: 3,
  createdAt: new Date("2026-11-30T01:02:04.000Z"),
  updatedAt: new Date("2026-11-30T02:00:00.000Z"),
  uploadedAt: new Date("2026-11-30T01:02:05.000Z"),
  integrity: {
    checkedAt: new Date("2026-11-30T01:03:00.000Z"),
    verifiedAt: new Date("2026-11-30T01:03:00.000Z"),
    reason: null,
    details: {},
    sniffedType: "text/html",
    contentTypeMismatch: false,
    sha256Source: "uploader",
  },
  expiresAt: new Date("2027-11-30T00:00:00.000Z"),
  legalHold: { setBy: "admin-1", setAt: new Date("2026-11-30T03:00:00.000Z"), reason: "litigation 12" },
};

/** Uploaded without part checksums or a declared SHA-256: the server's hash is the one recorded. */
const serverHashed: Artifact = {
  ...verified,
  integrity: { ...(verified.integrity as NonNullable<Artifact["integrity"]>), sha256Source: "server" },
};

const deleted: Artifact = {
  ...verified,
  provenance: null,
  state: "deleted",
  version: 4,
  integrity: {
    checkedAt: new Date("2026-11-30T01:03:00.000Z"),
    verifiedAt: null,
    reason: "sha256_mismatch",
    details: { expected: "aa", actual: "bb" },
    sniffedType: null,
    contentTypeMismatch: false,
    sha256Source: "uploader",
  },
  expiresAt: null,
  legalHold: null,
};

describe("the sidecar format", () => {
  it("is written as version 4, the record itself, independent of the API's views", () => {
    const sidecar = sidecarOf(serverHashed);
    expect(sidecar.schemaVersion).toBe(4);
    // The API's view derives integrity.state; the stored record does not carry it.
    expect(sidecar.artifact.integrity).not.toHaveProperty("state");
    expect(JSON.parse(JSON.stringify(sidecar))).toEqual(JSON.parse(fixture("sidecar-v4-server-sha256.json")));
  });

  it("reads the current version back into the record", () => {
    expect(readSidecar(fixture("sidecar-v4-server-sha256.json"))).toEqual({
      ok: true,
      artifact: serverHashed,
      deletedAt: null,
    });
  });

  it("reads version 3 (no sha256Source: every check compared with the uploader's) into the same record", () => {
    for (const [name, artifact, deletedAt] of [
      ["sidecar-v3-verified.json", verified, null],
      ["sidecar-v3-deleted.json", deleted, new Date("2026-12-01T00:00:00.000Z")],
    ] as const) {
      expect(readSidecar(fixture(name)), name).toEqual({ ok: true, artifact, deletedAt });
    }
  });

  it("reads the previous version (the API view embedded) into the same record", () => {
    expect(readSidecar(fixture("sidecar-v2-verified.json"))).toEqual({
      ok: true,
      artifact: verified,
      deletedAt: null,
    });
    expect(readSidecar(fixture("sidecar-v2-deleted.json"))).toEqual({
      ok: true,
      artifact: deleted,
      deletedAt: new Date("2026-12-01T00:00:00.000Z"),
    });
  });

  it("reads a version 2 sidecar written before verification and lifecycle: no checks, no expiry, no hold", () => {
    expect(readSidecar(fixture("sidecar-v2-before-lifecycle.json"))).toEqual({
      ok: true,
      artifact: {
        ...verified,
        state: "uploaded",
        version: 1,
        integrity: null,
        expiresAt: null,
        legalHold: null,
      },
      deletedAt: null,
    });
  });

  it("round-trips every record it writes", () => {
    for (const artifact of [
      verified,
      serverHashed,
      deleted,
      { ...verified, integrity: null, uploadedAt: null, sha256: null },
    ]) {
      expect(readSidecar(JSON.stringify(sidecarOf(artifact)))).toEqual({
        ok: true,
        artifact,
        deletedAt: null,
      });
    }
  });

  it("refuses a changed sidecar, and a version it does not know", () => {
    const tampered = JSON.parse(fixture("sidecar-v2-verified.json"));
    tampered.artifact.visibility = "public";
    expect(readSidecar(JSON.stringify(tampered))).toEqual({ ok: false, reason: "hash_mismatch" });

    const { contentSha256: _, ...content } = { ...sidecarOf(verified), schemaVersion: 9 };
    const future = {
      ...content,
      contentSha256: createHash("sha256").update(canonicalJson(content)).digest("hex"),
    };
    expect(readSidecar(JSON.stringify(future))).toEqual({ ok: false, reason: "unexpected_shape" });
  });
});
