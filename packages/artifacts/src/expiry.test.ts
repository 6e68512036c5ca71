import type { AuditEvent } from "@artifact-store/audit";
import { artifactSidecarKey } from "@artifact-store/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Expiry } from "./expiry";
import { readSidecar } from "./sidecar";
import { emptyCatalogue, type MemoryCatalogue, manualClock, openMemoryCatalogue } from "./testing/catalogue";
import { FakeStorage } from "./testing/fake-storage";
import { uploadedArtifact } from "./testing/uploaded";

const HOUR = 3600;

let catalogue: MemoryCatalogue;
// Starting the embedded engine compiles its WebAssembly: seconds on a busy machine.
beforeAll(async () => {
  catalogue = await openMemoryCatalogue();
}, 60_000);
afterAll(() => catalogue.close());
beforeEach(() => emptyCatalogue(catalogue));

const setup = (settings = { maxPerRun: 1000, maxSeconds: 240 }) => {
  const clock = manualClock();
  const storage = new FakeStorage(clock);
  const audited: AuditEvent[] = [];
  const audit = async (event: AuditEvent) => {
    audited.push(event);
  };
  const expiry = new Expiry(catalogue.catalog, storage.asObjectStorage, audit, settings, clock);
  const inHours = (hours: number) => new Date(clock().getTime() + hours * HOUR * 1000).toISOString();
  return { clock, storage, audited, expiry, inHours };
};

describe("expiry", () => {
  it("deletes what is past its expiry, oldest first: object gone, sidecar a tombstone, audited", async () => {
    const { storage, clock, audited, expiry, inHours } = setup();
    const later = await uploadedArtifact(catalogue, storage, clock, "later", { expiresAt: inHours(2) });
    const sooner = await uploadedArtifact(catalogue, storage, clock, "sooner", { expiresAt: inHours(1) });
    const kept = await uploadedArtifact(catalogue, storage, clock, "kept", { expiresAt: inHours(5) });
    const forever = await uploadedArtifact(catalogue, storage, clock, "forever");
    clock.advance(3 * HOUR);
    const report = await expiry.run();
    expect(report).toMatchObject({ deleted: 2, failed: 0, more: false });
    expect(report.expired.map((entry) => entry.artifactId)).toEqual([sooner.id, later.id]);
    expect(storage.objects.has(sooner.objectKey)).toBe(false);
    expect(readSidecar(storage.text(artifactSidecarKey(sooner.id)) ?? "")).toMatchObject({
      ok: true,
      artifact: { state: "deleted" },
      deletedAt: clock(),
    });
    expect(audited).toEqual([
      expect.objectContaining({ actor: "system:expiry", action: "expireArtifact", artifactId: sooner.id }),
      expect.objectContaining({ actor: "system:expiry", action: "expireArtifact", artifactId: later.id }),
    ]);
    for (const live of [kept, forever]) {
      expect((await catalogue.catalog.findArtifact(live.id))?.state).toBe("uploaded");
    }
  });

  it("never deletes an artifact under legal hold", async () => {
    const { storage, clock, expiry, inHours } = setup();
    const held = await uploadedArtifact(catalogue, storage, clock, "held", { expiresAt: inHours(1) });
    await catalogue.db.query(
      "update artifacts set legal_hold = true, legal_hold_by = 'legal' where id = $1",
      [held.id],
    );
    clock.advance(2 * HOUR);
    expect(await expiry.run()).toMatchObject({ deleted: 0, failed: 0 });
    expect(storage.objects.has(held.objectKey)).toBe(true);
  });

  it("stops at the per-run limit and says there is more", async () => {
    const { storage, clock, expiry, inHours } = setup({ maxPerRun: 1, maxSeconds: 240 });
    await uploadedArtifact(catalogue, storage, clock, "one", { expiresAt: inHours(1) });
    await uploadedArtifact(catalogue, storage, clock, "two", { expiresAt: inHours(1) });
    clock.advance(2 * HOUR);
    expect(await expiry.run()).toMatchObject({ deleted: 1, more: true });
    expect(await expiry.run()).toMatchObject({ deleted: 1 });
    expect(await expiry.run()).toMatchObject({ deleted: 0, more: false });
  });

  it("rolls back a delete storage refused, reports it and goes on with the rest", async () => {
    const { storage, clock, expiry, inHours } = setup();
    const stuck = await uploadedArtifact(catalogue, storage, clock, "stuck", { expiresAt: inHours(1) });
    const next = await uploadedArtifact(catalogue, storage, clock, "next", { expiresAt: inHours(2) });
    clock.advance(3 * HOUR);
    const deleteObject = storage.deleteObject.bind(storage);
    storage.deleteObject = async (key) => {
      if (key === stuck.objectKey) throw new Error("storage unavailable");
      await deleteObject(key);
    };
    const report = await expiry.run();
    expect(report).toMatchObject({ deleted: 1, failed: 1, failures: [{ artifactId: stuck.id }] });
    expect(report.expired.map((entry) => entry.artifactId)).toEqual([next.id]);
    expect((await catalogue.catalog.findArtifact(stuck.id))?.state).toBe("uploaded");
  });

  it("keeps a delete whose audit append failed", async () => {
    const clock = manualClock();
    const storage = new FakeStorage(clock);
    const failingAudit = vi.fn(async () => {
      throw new Error("audit trail away");
    });
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    const expiry = new Expiry(catalogue.catalog, storage.asObjectStorage, failingAudit, undefined, clock);
    const artifact = await uploadedArtifact(catalogue, storage, clock, "gone", {
      expiresAt: new Date(clock().getTime() + HOUR * 1000).toISOString(),
    });
    clock.advance(2 * HOUR);
    expect(await expiry.run()).toMatchObject({ deleted: 1, failed: 0 });
    expect(failingAudit).toHaveBeenCalledOnce();
    expect((await catalogue.catalog.findArtifact(artifact.id))?.state).toBe("deleted");
    quiet.mockRestore();
  });
});
