import { describe, expect, it } from "vitest";
import { canonicalEventJson, GENESIS_HASH, hashEvent } from "./chain";
import type { HashedAuditEvent } from "./types";

const event = (overrides: Partial<HashedAuditEvent> = {}): HashedAuditEvent => ({
  seq: 1,
  at: new Date("2026-03-01T12:00:00.123Z"),
  actor: "user:alice",
  action: "artifact.download",
  artifactId: "0b9e2f4c-1d2a-4e6b-9c3d-5f7a8b9c0d1e",
  uploadId: null,
  target: null,
  outcome: "allowed",
  status: 302,
  reason: null,
  requestId: "req-1",
  sourceIp: "203.0.113.7",
  userAgent: null,
  ...overrides,
});

describe("canonicalEventJson", () => {
  it("writes every field in a fixed order, nulls explicit, at as ISO 8601 UTC", () => {
    expect(canonicalEventJson(event())).toBe(
      '{"seq":1,"at":"2026-03-01T12:00:00.123Z","actor":"user:alice","action":"artifact.download",' +
        '"artifactId":"0b9e2f4c-1d2a-4e6b-9c3d-5f7a8b9c0d1e","uploadId":null,"target":null,"outcome":"allowed",' +
        '"status":302,"reason":null,"requestId":"req-1","sourceIp":"203.0.113.7","userAgent":null}',
    );
  });

  it("does not depend on the order the caller's object has its keys in", () => {
    const reversed = Object.fromEntries(Object.entries(event()).reverse()) as unknown as HashedAuditEvent;
    expect(canonicalEventJson(reversed)).toBe(canonicalEventJson(event()));
  });
});

describe("hashEvent", () => {
  it("starts chains from 64 zeros", () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it("is sha256 hex of the previous hash, a newline and the canonical JSON", async () => {
    const { createHash } = await import("node:crypto");
    const expected = createHash("sha256")
      .update(`${GENESIS_HASH}\n${canonicalEventJson(event())}`)
      .digest("hex");
    expect(hashEvent(GENESIS_HASH, event())).toBe(expected);
    expect(hashEvent(GENESIS_HASH, event())).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with the previous hash and with every field", () => {
    const base = hashEvent(GENESIS_HASH, event());
    expect(hashEvent("1".repeat(64), event())).not.toBe(base);
    const changes: Partial<HashedAuditEvent>[] = [
      { seq: 2 },
      { at: new Date("2026-03-01T12:00:00.124Z") },
      { actor: "user:mallory" },
      { action: "artifact.delete" },
      { artifactId: null },
      { uploadId: "0b9e2f4c-1d2a-4e6b-9c3d-5f7a8b9c0d1e" },
      { target: "" },
      { outcome: "denied" },
      { status: 403 },
      { reason: "no grant" },
      { requestId: "req-2" },
      { sourceIp: null },
      { userAgent: "curl/8" },
    ];
    const hashes = changes.map((change) => hashEvent(GENESIS_HASH, event(change)));
    expect(new Set([base, ...hashes]).size).toBe(changes.length + 1);
  });

  it("tells an empty string from null", () => {
    expect(hashEvent(GENESIS_HASH, event({ target: "" }))).not.toBe(
      hashEvent(GENESIS_HASH, event({ target: null })),
    );
  });
});
