import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Scrubber } from "./scrubber";
import { emptyCatalogue, type MemoryCatalogue, manualClock, openMemoryCatalogue } from "./testing/catalogue";
import { FakeStorage } from "./testing/fake-storage";
import { uploadedArtifact } from "./testing/uploaded";
import { Verifier } from "./verifier";

const SETTINGS = {
  inlineMaxBytes: 64,
  runBudgetBytes: 1024,
  claimSeconds: 300,
  contentTypeMismatch: "flag" as const,
  handOffAtOnce: false,
};

let catalogue: MemoryCatalogue;
// Starting the embedded engine compiles its WebAssembly: seconds on a busy machine.
beforeAll(async () => {
  catalogue = await openMemoryCatalogue();
}, 60_000);
afterAll(() => catalogue.close());
beforeEach(() => emptyCatalogue(catalogue));

const setup = () => {
  const clock = manualClock();
  const storage = new FakeStorage(clock);
  const verifier = new Verifier(catalogue.catalog, storage.asObjectStorage, SETTINGS, clock);
  return { clock, storage, verifier };
};

/** Seconds from now until which a failed artifact is held back. */
const heldFor = async (id: string, now: Date): Promise<number> => {
  const [row] = await catalogue.db.query<{ until: Date | string }>(
    "select verify_claimed_until as until from artifacts where id = $1",
    [id],
  );
  return Math.round((new Date(row?.until ?? 0).getTime() - now.getTime()) / 1000);
};

describe("verification", () => {
  it("after upload: verifies a small object, leaves a large one for a run", async () => {
    const { storage, verifier, clock } = setup();
    const small = await uploadedArtifact(catalogue, storage, clock, "small");
    expect((await verifier.afterUpload(small)).state).toBe("verified");
    const large = await uploadedArtifact(catalogue, storage, clock, "x".repeat(SETTINGS.inlineMaxBytes + 1));
    expect((await verifier.afterUpload(large)).state).toBe("uploaded");
    expect(await verifier.verifyPending()).toMatchObject({ verified: 1, failed: 0, bytes: 65 });
  });

  it("after upload: a failed read leaves the artifact uploaded, for the run to retry", async () => {
    const { storage, verifier, clock } = setup();
    const artifact = await uploadedArtifact(catalogue, storage, clock, "unreadable");
    storage.failing.add("readObject");
    expect((await verifier.afterUpload(artifact)).state).toBe("uploaded");
  });

  it("quarantines bytes that differ from the declared ones", async () => {
    const { storage, verifier, clock } = setup();
    const artifact = await uploadedArtifact(catalogue, storage, clock, "original");
    storage.putObject(artifact.objectKey, "tampered");
    expect(await verifier.verify(artifact)).toMatchObject({
      state: "corrupt",
      integrity: { reason: "sha256_mismatch" },
    });
  });

  it("holds an artifact whose check failed for a backoff doubling from 10 s up to 15 min", async () => {
    const { storage, verifier, clock } = setup();
    const artifact = await uploadedArtifact(catalogue, storage, clock, "storage is away");
    storage.failing.add("readObject");
    const backoffs: number[] = [];
    for (let attempt = 0; attempt < 9; attempt += 1) {
      expect(await verifier.verifyPending()).toMatchObject({
        failed: 1,
        failures: [{ artifactId: artifact.id }],
      });
      const held = await heldFor(artifact.id, clock());
      backoffs.push(held);
      // Held: a run within the backoff does not take it again.
      clock.advance(held - 1);
      expect(await verifier.verifyPending()).toMatchObject({ failed: 0, verified: 0 });
      clock.advance(1);
    }
    expect(backoffs).toEqual([10, 20, 40, 80, 160, 320, 640, 900, 900]);
    // Storage back: verified, and the failure count starts again from zero.
    storage.failing.clear();
    expect(await verifier.verifyPending()).toMatchObject({ verified: 1 });
    const [row] = await catalogue.db.query<{ failures: number }>(
      "select verify_failures as failures from artifacts where id = $1",
      [artifact.id],
    );
    expect(row?.failures).toBe(0);
  });
});

describe("scrubbing", () => {
  it("re-checks verified artifacts, reporting the corrupt with their reason", async () => {
    const { storage, verifier, clock } = setup();
    const good = await verifier.verify(await uploadedArtifact(catalogue, storage, clock, "good"));
    const rotted = await verifier.verify(await uploadedArtifact(catalogue, storage, clock, "rotted"));
    storage.putObject(rotted.objectKey, "rotten");
    clock.advance(60);
    const scrubber = new Scrubber(
      catalogue.integrity,
      verifier,
      { budgetBytes: 1024, claimSeconds: 300 },
      clock,
    );
    const run = await scrubber.run();
    expect(run.summary).toMatchObject({ checked: 2, verified: 1, corrupt: 1, failed: 0 });
    expect(run.findings).toEqual([
      expect.objectContaining({ kind: "corrupt", artifactId: rotted.id, reason: "sha256_mismatch" }),
    ]);
    expect((await catalogue.catalog.findArtifact(good.id))?.state).toBe("verified");
  });

  it("holds back an artifact it could not read, with the same backoff", async () => {
    const { storage, verifier, clock } = setup();
    const artifact = await verifier.verify(await uploadedArtifact(catalogue, storage, clock, "away"));
    clock.advance(60);
    storage.failing.add("readObject");
    const scrubber = new Scrubber(
      catalogue.integrity,
      verifier,
      { budgetBytes: 1024, claimSeconds: 300 },
      clock,
    );
    const run = await scrubber.run();
    expect(run.summary).toMatchObject({ checked: 1, failed: 1 });
    expect(run.findings).toEqual([
      expect.objectContaining({ kind: "check_failed", artifactId: artifact.id }),
    ]);
    expect(await heldFor(artifact.id, clock())).toBe(10);
  });
});
