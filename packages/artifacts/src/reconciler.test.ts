import { randomUUID } from "node:crypto";
import { artifactSidecarKey } from "@artifact-store/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Reconciler } from "./reconciler";
import { writeSidecar } from "./sidecar";
import { emptyCatalogue, type MemoryCatalogue, manualClock, openMemoryCatalogue } from "./testing/catalogue";
import { FakeStorage } from "./testing/fake-storage";
import { TEST_UPLOAD_SETTINGS, uploadedArtifact, userNamed } from "./testing/uploaded";
import { Uploads } from "./uploads";
import { Verifier } from "./verifier";

const HOUR = 3600;
const VERIFY = {
  inlineMaxBytes: 1024,
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

const setup = (deleteOrphansAfterSeconds: number | null) => {
  const clock = manualClock();
  const storage = new FakeStorage(clock);
  const verifier = new Verifier(catalogue.catalog, storage.asObjectStorage, VERIFY, clock);
  const reconciler = new Reconciler(
    catalogue.integrity,
    catalogue.catalog,
    storage.asObjectStorage,
    verifier,
    { deleteOrphansAfterSeconds },
    clock,
  );
  return { clock, storage, reconciler };
};

const strayKey = (id = randomUUID()) => `artifacts/users/alice/${id}.txt`;

describe("objects no live record points to", () => {
  it("are only reported by default, with their sizes", async () => {
    const { storage, reconciler, clock } = setup(null);
    const key = strayKey();
    storage.putObject(key, "stray bytes", new Date(clock().getTime() - 30 * 24 * HOUR * 1000));
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({ objectsWithoutRecord: 1, orphanedBytes: 11, orphansDeleted: 0 });
    expect(run.findings).toEqual([{ kind: "object_without_record", objectKey: key, size: 11 }]);
    expect(storage.objects.has(key)).toBe(true);
  });

  it("are deleted once older than the setting, and kept while younger", async () => {
    const { storage, reconciler, clock } = setup(HOUR);
    const old = strayKey();
    const young = strayKey();
    storage.putObject(old, "old", new Date(clock().getTime() - (HOUR + 1) * 1000));
    storage.putObject(young, "young", new Date(clock().getTime() - (HOUR - 1) * 1000));
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({ objectsWithoutRecord: 2, orphansDeleted: 1 });
    expect(storage.objects.has(old)).toBe(false);
    expect(storage.objects.has(young)).toBe(true);
    expect(run.findings).toContainEqual({
      kind: "object_without_record",
      objectKey: old,
      size: 3,
      deleted: true,
    });
  });

  it("are never deleted while their sidecar says the artifact is live (the catalogue lost it)", async () => {
    const { storage, reconciler, clock } = setup(HOUR);
    const artifact = await uploadedArtifact(catalogue, storage, clock, "still wanted");
    await emptyCatalogue(catalogue); // the catalogue lost it; the bucket has object and sidecar
    clock.advance(2 * HOUR);
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({ objectsWithoutRecord: 1, orphansDeleted: 0 });
    expect(storage.objects.has(artifact.objectKey)).toBe(true);
  });

  it("are deleted when their sidecar records a tombstone", async () => {
    const { storage, reconciler, clock } = setup(HOUR);
    const artifact = await uploadedArtifact(catalogue, storage, clock, "deleted long ago");
    await writeSidecar(storage.asObjectStorage, { ...artifact, state: "deleted" }, clock());
    await emptyCatalogue(catalogue);
    clock.advance(2 * HOUR);
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({ orphansDeleted: 1 });
    expect(storage.objects.has(artifact.objectKey)).toBe(false);
    expect(storage.objects.has(artifactSidecarKey(artifact.id))).toBe(true);
  });

  it("include the object of an artifact the catalogue has tombstoned", async () => {
    const { storage, reconciler, clock } = setup(HOUR);
    const artifact = await uploadedArtifact(catalogue, storage, clock, "tombstoned");
    await catalogue.catalog.deleteArtifact(artifact.id, clock(), async () => {});
    clock.advance(2 * HOUR);
    const run = await reconciler.run();
    expect(run.findings).toEqual([
      {
        kind: "object_without_record",
        objectKey: artifact.objectKey,
        size: 10,
        artifactId: artifact.id,
        artifactState: "deleted",
        deleted: true,
      },
    ]);
  });

  it("never include a live artifact's object, on any page of the listing", async () => {
    const { storage, reconciler, clock } = setup(0);
    storage.pageSize = 1;
    const first = await uploadedArtifact(catalogue, storage, clock, "one");
    const second = await uploadedArtifact(catalogue, storage, clock, "two");
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({ objectsListed: 2, objectsWithoutRecord: 0, recordsWithoutObject: 0 });
    expect(storage.objects.has(first.objectKey) && storage.objects.has(second.objectKey)).toBe(true);
  });
});

describe("records whose object is gone", () => {
  it("are verified again, which quarantines them as corrupt (object_missing)", async () => {
    const { storage, reconciler, clock } = setup(null);
    const artifact = await uploadedArtifact(catalogue, storage, clock, "vanishing");
    storage.objects.delete(artifact.objectKey);
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({ recordsWithoutObject: 1 });
    expect(run.findings).toEqual([
      { kind: "record_without_object", artifactId: artifact.id, objectKey: artifact.objectKey },
    ]);
    const after = await catalogue.catalog.findArtifact(artifact.id);
    expect(after).toMatchObject({ state: "corrupt", integrity: { reason: "object_missing" } });
  });
});

describe("uploads", () => {
  const open = async (storage: FakeStorage, clock: () => Date, content: string, sha256?: string) => {
    const uploads = new Uploads(
      catalogue.catalog,
      storage.asObjectStorage,
      TEST_UPLOAD_SETTINGS,
      catalogue.partChecksums,
      clock,
    );
    const opening = await uploads.create(userNamed("alice"), {
      filename: "late.txt",
      contentType: "text/plain",
      size: Buffer.byteLength(content),
      ...(sha256 ? { sha256 } : {}),
    });
    if (opening.deduplicated) throw new Error("deduplicated");
    return opening.upload;
  };

  it("left open past their expiry are aborted, and a PUT that arrived is removed", async () => {
    const { storage, reconciler, clock } = setup(null);
    const upload = await open(storage, clock, "never completed");
    storage.putObject(upload.objectKey, "never completed");
    clock.advance(TEST_UPLOAD_SETTINGS.uploadTtlSeconds + 1);
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({ expiredUploadsAborted: 1, pendingUploadsFinished: 0 });
    expect(storage.objects.has(upload.objectKey)).toBe(false);
    expect((await catalogue.catalog.findUpload(upload.id))?.state).toBe("aborted");
  });

  it("whose whole object storage holds are finished and verified, expired or not", async () => {
    const { storage, reconciler, clock } = setup(null);
    const content = "sent, never completed";
    const { createHash } = await import("node:crypto");
    const sha256 = createHash("sha256").update(content).digest("hex");
    const upload = await open(storage, clock, content, sha256);
    storage.putObject(upload.objectKey, content);
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({ pendingUploadsFinished: 1, objectsWithoutRecord: 0 });
    expect((await catalogue.catalog.findArtifact(upload.artifactId))?.state).toBe("verified");
  });

  it("in progress are left alone", async () => {
    const { storage, reconciler, clock } = setup(0);
    const upload = await open(storage, clock, "partial");
    storage.putObject(upload.objectKey, "part"); // not the whole object yet
    const run = await reconciler.run();
    expect(run.summary).toMatchObject({
      objectsWithoutRecord: 0,
      orphansDeleted: 0,
      expiredUploadsAborted: 0,
    });
    expect(storage.objects.has(upload.objectKey)).toBe(true);
  });
});
