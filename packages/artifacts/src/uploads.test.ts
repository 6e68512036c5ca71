import { createHash } from "node:crypto";
import { type Artifact, armFailpoint, artifactSidecarKey, type Principal } from "@artifact-store/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionFailpoint, multipartEtag, UploadCompletion } from "./completion";
import { readSidecar } from "./sidecar";
import { type MemoryCatalogue, manualClock, openMemoryCatalogue } from "./testing/catalogue";
import { FakeStorage } from "./testing/fake-storage";
import { TEST_UPLOAD_SETTINGS } from "./testing/uploaded";
import { Uploads } from "./uploads";

const MiB = 1024 * 1024;
const alice: Principal = { kind: "user", id: "alice", roles: [], scopes: ["read", "upload", "write"] };
const bob: Principal = { kind: "user", id: "bob", roles: [], scopes: ["read", "upload", "write"] };
const settings = TEST_UPLOAD_SETTINGS;
const sha256Of = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
/** Two parts: a full 5 MiB one and a short last one. */
const multipartBytes = Buffer.concat([Buffer.alloc(5 * MiB, 1), Buffer.from("tail")]);
const partsOf = (bytes: Buffer) => [bytes.subarray(0, 5 * MiB), bytes.subarray(5 * MiB)];

let catalogue: MemoryCatalogue;
// Starting the embedded engine compiles its WebAssembly: seconds on a busy machine.
beforeAll(async () => {
  catalogue = await openMemoryCatalogue();
}, 60_000);
afterAll(() => catalogue.close());

const setup = (overrides: Partial<typeof settings> = {}) => {
  const clock = manualClock();
  const storage = new FakeStorage(clock);
  const uploads = new Uploads(
    catalogue.catalog,
    storage.asObjectStorage,
    { ...settings, ...overrides },
    catalogue.partChecksums,
    clock,
  );
  return { clock, storage, uploads };
};

const opened = async (uploads: Uploads, bytes: Buffer, extra: { tags?: string[]; sha256?: string } = {}) => {
  const opening = await uploads.create(alice, {
    filename: "page.html",
    contentType: "text/html",
    size: bytes.length,
    ...extra,
  });
  if (opening.deduplicated) throw new Error("deduplicated");
  return opening;
};

/** The parts as an uploader sends them, straight to storage. */
const sendParts = (storage: FakeStorage, storageUploadId: string, bytes: Buffer) => {
  for (const [index, part] of partsOf(bytes).entries()) storage.uploadPart(storageUploadId, index + 1, part);
};

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: { code?: string }) => error.code ?? String(error),
  );

describe("opening an upload", () => {
  it("plans a single PUT below the threshold and signs its one URL", async () => {
    const { uploads } = setup();
    const opening = await opened(uploads, Buffer.from("<html></html>"));
    expect(opening.upload).toMatchObject({
      mode: "single",
      partCount: 1,
      storageUploadId: null,
      state: "open",
    });
    expect(opening.parts.map((part) => part.partNumber)).toEqual([1]);
    expect(opening.upload.objectKey).toBe(`artifacts/users/alice/${opening.upload.artifactId}.html`);
  });

  it("starts a multipart upload above it, signing the first parts and expiring by the upload TTL", async () => {
    const { uploads, storage, clock } = setup();
    const opening = await opened(uploads, multipartBytes);
    expect(opening.upload).toMatchObject({ mode: "multipart", partCount: 2, partSize: 5 * MiB });
    expect(storage.uploads.has(opening.upload.storageUploadId ?? "")).toBe(true);
    expect(opening.parts.map((part) => part.partNumber)).toEqual([1, 2]);
    expect(opening.upload.expiresAt.getTime() - clock().getTime()).toBe(3600 * 1000);
  });

  it("answers the caller's existing artifact with the same content instead of opening another", async () => {
    const { uploads, storage } = setup();
    const bytes = Buffer.from("dedupe me");
    const first = await opened(uploads, bytes);
    storage.putObject(first.upload.objectKey, bytes);
    const done = await uploads.complete(alice, first.upload.id, { sha256: sha256Of(bytes) });
    const again = await uploads.create(alice, {
      filename: "other.txt",
      contentType: "text/plain",
      size: bytes.length,
      sha256: sha256Of(bytes),
    });
    expect(again).toMatchObject({ deduplicated: true, artifact: { id: done.id } });
    const fresh = await uploads.create(alice, {
      filename: "other.txt",
      contentType: "text/plain",
      size: bytes.length,
      sha256: sha256Of(bytes),
      dedupe: false,
    });
    expect(fresh.deduplicated).toBe(false);
  });

  it("refuses anonymous callers, and hides one caller's upload from another", async () => {
    const { uploads } = setup();
    const anonymous: Principal = { kind: "anonymous", id: null, roles: [], scopes: ["read"] };
    expect(
      await codeOf(uploads.create(anonymous, { filename: "a", contentType: "text/plain", size: 1 })),
    ).toBe("authentication_required");
    const opening = await opened(uploads, Buffer.from("mine"));
    expect(await codeOf(uploads.status(bob, opening.upload.id))).toBe("upload_not_found");
  });
});

describe("signing parts", () => {
  it("refuses part numbers beyond the plan", async () => {
    const { uploads } = setup();
    const opening = await opened(uploads, multipartBytes);
    expect(await codeOf(uploads.sign(alice, opening.upload.id, { partNumbers: [2, 3] }))).toBe(
      "invalid_part_number",
    );
  });

  it("where checksums are required, signs nothing up front and refuses a part without one", async () => {
    const { uploads } = setup({ requirePartChecksums: true });
    const opening = await opened(uploads, multipartBytes);
    expect(opening.parts).toEqual([]);
    expect(opening.checksums).toEqual({ algorithms: ["md5"], required: true });
    expect(await codeOf(uploads.sign(alice, opening.upload.id, { partNumbers: [1] }))).toBe(
      "part_checksum_required",
    );
    const signed = await uploads.sign(alice, opening.upload.id, { parts: [{ partNumber: 1, md5: "AAAA" }] });
    expect(signed.parts[0]?.headers).toEqual({ "content-md5": "AAAA" });
  });

  it("refuses an upload past its expiry", async () => {
    const { uploads, clock } = setup();
    const opening = await opened(uploads, multipartBytes);
    clock.advance(3601);
    expect(await codeOf(uploads.sign(alice, opening.upload.id, { partNumbers: [1] }))).toBe("upload_expired");
    expect((await uploads.status(alice, opening.upload.id)).expired).toBe(true);
  });
});

describe("completing", () => {
  it("a single PUT: records the object's ETag, writes the sidecar and mirrors the tags", async () => {
    const { uploads, storage } = setup();
    const bytes = Buffer.from("<html>hello</html>");
    const opening = await opened(uploads, bytes, { tags: ["crawl-7", "html"] });
    const { etag } = storage.putObject(opening.upload.objectKey, bytes);
    const artifact = await uploads.complete(alice, opening.upload.id, { sha256: sha256Of(bytes) });
    expect(artifact).toMatchObject({ state: "uploaded", etag, sha256: sha256Of(bytes) });
    const sidecar = readSidecar(storage.text(artifactSidecarKey(artifact.id)) ?? "");
    expect(sidecar).toMatchObject({ ok: true, artifact: { state: "uploaded", etag } });
    expect(storage.objects.get(artifact.objectKey)?.tags).toEqual({ "crawl-7": "true", html: "true" });
  });

  it("losing to an abort between sidecar and catalogue, leaves the bucket the record's tombstone", async () => {
    const { uploads, storage, clock } = setup();
    const bytes = Buffer.from("aborted meanwhile");
    const opening = await opened(uploads, bytes, { sha256: sha256Of(bytes) });
    storage.putObject(opening.upload.objectKey, bytes);
    const disarm = armFailpoint(completionFailpoint("sidecar-written"), async () => {
      await catalogue.catalog.abortUpload(opening.upload.id, clock());
    });
    try {
      expect(await codeOf(uploads.complete(alice, opening.upload.id))).toBe("upload_aborted");
    } finally {
      disarm();
    }
    const sidecar = readSidecar(storage.text(artifactSidecarKey(opening.upload.artifactId)) ?? "");
    expect(sidecar).toMatchObject({ ok: true, deletedAt: expect.any(Date), artifact: { state: "deleted" } });
  });

  it("a multipart upload: completes from what storage lists, with the ETag S3 computes", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, multipartBytes);
    const storageUploadId = opening.upload.storageUploadId as string;
    sendParts(storage, storageUploadId, multipartBytes);
    const expected = multipartEtag(
      (await storage.listParts(opening.upload.objectKey, storageUploadId)) ?? [],
    );
    const artifact = await uploads.complete(alice, opening.upload.id, { sha256: sha256Of(multipartBytes) });
    expect(artifact.etag?.replaceAll('"', "")).toBe(expected);
    expect(storage.objects.get(artifact.objectKey)?.body.equals(multipartBytes)).toBe(true);
    expect(storage.uploads.has(storageUploadId)).toBe(false);
  });

  it("a multipart upload with the uploader's list of parts: checked against the one ListParts it completes from", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, multipartBytes);
    const storageUploadId = opening.upload.storageUploadId as string;
    sendParts(storage, storageUploadId, multipartBytes);
    const claimed = (await storage.listParts(opening.upload.objectKey, storageUploadId)) ?? [];
    storage.calls.length = 0;
    const artifact = await uploads.complete(alice, opening.upload.id, {
      sha256: sha256Of(multipartBytes),
      parts: claimed.map(({ partNumber, etag }) => ({ partNumber, etag })),
    });
    expect(artifact.state).toBe("uploaded");
    expect(storage.calls.filter((call) => call === "listParts")).toHaveLength(1);
    expect(storage.calls.filter((call) => call === "completeMultipartUpload")).toHaveLength(1);
  });

  it("refuses a list of parts that is not what storage holds (a part sent again since), completing nothing", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, multipartBytes);
    const storageUploadId = opening.upload.storageUploadId as string;
    sendParts(storage, storageUploadId, multipartBytes);
    const claimed = (await storage.listParts(opening.upload.objectKey, storageUploadId)) ?? [];
    // The uploader's ETag of part 2 is then stale: the part was sent again, with other bytes.
    storage.uploadPart(storageUploadId, 2, "TAIL");
    storage.calls.length = 0;
    const refused = uploads.complete(alice, opening.upload.id, {
      sha256: sha256Of(multipartBytes),
      parts: claimed.map(({ partNumber, etag }) => ({ partNumber, etag })),
    });
    await expect(refused).rejects.toMatchObject({
      code: "parts_mismatch",
      message:
        "The 2 part(s) named are not the 2 storage holds; send the parts again or complete without a list.",
      details: { notInStorage: [], notNamed: [], otherEtag: [{ partNumber: 2, given: claimed[1]?.etag }] },
    });
    expect(storage.calls).toEqual(["listParts"]);
    expect(storage.uploads.has(storageUploadId)).toBe(true);
    expect(await catalogue.catalog.findUpload(opening.upload.id)).toMatchObject({
      state: "open",
      completingEtag: null,
    });
    expect((await catalogue.catalog.findArtifact(opening.upload.artifactId))?.state).toBe("pending");
  });

  it("never completes a part sent again after its list was checked", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, multipartBytes);
    const storageUploadId = opening.upload.storageUploadId as string;
    sendParts(storage, storageUploadId, multipartBytes);
    const claimed = (await storage.listParts(opening.upload.objectKey, storageUploadId)) ?? [];
    const list = storage.listParts.bind(storage);
    storage.listParts = async (key, id) => {
      const listed = await list(key, id);
      storage.uploadPart(storageUploadId, 2, "TAIL");
      return listed;
    };
    const racing = uploads.complete(alice, opening.upload.id, {
      sha256: sha256Of(multipartBytes),
      parts: claimed.map(({ partNumber, etag }) => ({ partNumber, etag })),
    });
    // Storage is asked to complete the checked ETags, which no longer name part 2's bytes.
    await expect(racing).rejects.toThrow("InvalidPart 2");
    expect(storage.objects.has(opening.upload.objectKey)).toBe(false);
  });

  it("a single PUT with the uploader's list: checked against what a HEAD finds", async () => {
    const { uploads, storage } = setup();
    const bytes = Buffer.from("one part");
    const opening = await opened(uploads, bytes, { sha256: sha256Of(bytes) });
    const { etag } = storage.putObject(opening.upload.objectKey, bytes);
    const stale = uploads.complete(alice, opening.upload.id, { parts: [{ partNumber: 1, etag: '"0ff"' }] });
    await expect(stale).rejects.toMatchObject({
      code: "parts_mismatch",
      details: { otherEtag: [{ partNumber: 1, given: '"0ff"', stored: etag.replaceAll('"', "") }] },
    });
    const done = await uploads.complete(alice, opening.upload.id, { parts: [{ partNumber: 1, etag }] });
    expect(done.state).toBe("uploaded");
  });

  it("twice answers the same artifact, and refuses a second SHA-256 that disagrees", async () => {
    const { uploads, storage } = setup();
    const bytes = Buffer.from("twice");
    const opening = await opened(uploads, bytes, { sha256: sha256Of(bytes) });
    storage.putObject(opening.upload.objectKey, bytes);
    const first = await uploads.complete(alice, opening.upload.id);
    expect(await uploads.complete(alice, opening.upload.id)).toEqual(first);
    expect(await codeOf(uploads.complete(alice, opening.upload.id, { sha256: "0".repeat(64) }))).toBe(
      "sha256_mismatch",
    );
  });

  it("without part checksums: the owner may leave the SHA-256 to the server, a storage event may not", async () => {
    const { uploads, storage } = setup();
    const opening = await uploads.create(alice, {
      filename: "uppy.bin",
      contentType: "application/octet-stream",
      size: multipartBytes.length,
      partSize: 5 * MiB,
      partChecksums: "none",
    });
    if (opening.deduplicated) throw new Error("deduplicated");
    sendParts(storage, opening.upload.storageUploadId ?? "", multipartBytes);
    // A storage event completes on the owner's behalf: the owner may still declare the SHA-256.
    expect(await codeOf(uploads.complete(alice, opening.upload.id, { onOwnersBehalf: true }))).toBe(
      "sha256_required",
    );
    const done = await uploads.complete(alice, opening.upload.id);
    expect(done).toMatchObject({ state: "uploaded", sha256: null });
  });

  it("refuses partChecksums none for a single PUT, whose whole MD5 the uploader can sign", async () => {
    const { uploads } = setup();
    const open = uploads.create(alice, {
      filename: "small.bin",
      contentType: "application/octet-stream",
      size: 1024,
      partChecksums: "none",
    });
    expect(await codeOf(open)).toBe("invalid_upload_mode");
  });

  it("needs a SHA-256, declared at opening or completion", async () => {
    const { uploads, storage } = setup();
    const bytes = Buffer.from("no hash");
    const opening = await opened(uploads, bytes);
    storage.putObject(opening.upload.objectKey, bytes);
    expect(await codeOf(uploads.complete(alice, opening.upload.id))).toBe("sha256_required");
  });

  it("refuses a single PUT of another size than declared, and one never sent", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, Buffer.from("twelve bytes"));
    expect(await codeOf(uploads.complete(alice, opening.upload.id, { sha256: "a".repeat(64) }))).toBe(
      "upload_incomplete",
    );
    storage.putObject(opening.upload.objectKey, "eleven byte");
    expect(await codeOf(uploads.complete(alice, opening.upload.id, { sha256: "a".repeat(64) }))).toBe(
      "size_mismatch",
    );
  });

  it("refuses a multipart upload with a part missing, of the wrong size, or extra", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, multipartBytes);
    const storageUploadId = opening.upload.storageUploadId as string;
    const sha256 = sha256Of(multipartBytes);
    storage.uploadPart(storageUploadId, 1, partsOf(multipartBytes)[0] as Buffer);
    const missing = uploads.complete(alice, opening.upload.id, { sha256: sha256 });
    await expect(missing).rejects.toMatchObject({
      code: "upload_incomplete",
      details: { missingParts: [2] },
    });
    storage.uploadPart(storageUploadId, 2, "tail and more");
    await expect(uploads.complete(alice, opening.upload.id, { sha256: sha256 })).rejects.toMatchObject({
      code: "size_mismatch",
      details: { wrongSize: [{ partNumber: 2, size: 13, expected: 4 }], extraParts: [] },
    });
    storage.uploadPart(storageUploadId, 2, "tail");
    storage.uploadPart(storageUploadId, 3, "x");
    await expect(uploads.complete(alice, opening.upload.id, { sha256: sha256 })).rejects.toMatchObject({
      code: "size_mismatch",
      details: { extraParts: [3] },
    });
    // Nothing was recorded along the way: the artifact is still pending.
    expect((await catalogue.catalog.findArtifact(opening.upload.artifactId))?.state).toBe("pending");
  });

  it("after an abort, refuses and leaves nothing in storage", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, multipartBytes);
    await uploads.abort(alice, opening.upload.id);
    await uploads.abort(alice, opening.upload.id); // a repeat is a no-op
    expect(storage.uploads.size).toBe(0);
    expect(await codeOf(uploads.complete(alice, opening.upload.id, { sha256: "a".repeat(64) }))).toBe(
      "upload_aborted",
    );
    expect((await catalogue.catalog.findArtifact(opening.upload.artifactId))?.state).toBe("deleted");
  });
});

describe("completion after a crash part-way", () => {
  /** A completion that died right after storage completed: the ETag recorded, the catalogue not told. */
  const crashedAfterStorageCompleted = async () => {
    const { uploads, storage, clock } = setup();
    const opening = await opened(uploads, multipartBytes);
    const { upload } = opening;
    const storageUploadId = upload.storageUploadId as string;
    sendParts(storage, storageUploadId, multipartBytes);
    const parts = (await storage.listParts(upload.objectKey, storageUploadId)) ?? [];
    await catalogue.catalog.recordCompletingEtag(upload.id, multipartEtag(parts));
    const etag = await storage.completeMultipartUpload(upload.objectKey, storageUploadId, parts);
    return { uploads, storage, clock, upload, etag };
  };

  it("finishes when storage no longer has the upload but holds the object the recorded ETag describes", async () => {
    const { uploads, upload, etag, storage } = await crashedAfterStorageCompleted();
    const artifact = await uploads.complete(alice, upload.id, { sha256: sha256Of(multipartBytes) });
    expect(artifact).toMatchObject({ state: "uploaded", etag });
    expect(readSidecar(storage.text(artifactSidecarKey(artifact.id)) ?? "")).toMatchObject({
      ok: true,
      artifact: { state: "uploaded", etag },
    });
  });

  it("is lost when the object in its place has another ETag", async () => {
    const { uploads, upload, storage } = await crashedAfterStorageCompleted();
    // Same size, other bytes: not the object this upload's parts make.
    storage.putObject(upload.objectKey, Buffer.alloc(multipartBytes.length, 2));
    expect(await codeOf(uploads.complete(alice, upload.id, { sha256: sha256Of(multipartBytes) }))).toBe(
      "upload_not_in_storage",
    );
  });

  it("is lost when the object there has another size", async () => {
    const { uploads, upload, storage } = await crashedAfterStorageCompleted();
    storage.putObject(upload.objectKey, multipartBytes.subarray(1));
    expect(await codeOf(uploads.complete(alice, upload.id, { sha256: sha256Of(multipartBytes) }))).toBe(
      "upload_not_in_storage",
    );
  });

  it("is lost when no ETag was ever recorded, whatever storage holds", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, multipartBytes);
    const { upload } = opening;
    const storageUploadId = upload.storageUploadId as string;
    sendParts(storage, storageUploadId, multipartBytes);
    await storage.completeMultipartUpload(
      upload.objectKey,
      storageUploadId,
      (await storage.listParts(upload.objectKey, storageUploadId)) ?? [],
    );
    expect(await codeOf(uploads.complete(alice, upload.id, { sha256: sha256Of(multipartBytes) }))).toBe(
      "upload_not_in_storage",
    );
  });

  it("finishes when a concurrent caller completed storage first (ours refused)", async () => {
    const { uploads, storage } = setup();
    const opening = await opened(uploads, multipartBytes);
    const { upload } = opening;
    const storageUploadId = upload.storageUploadId as string;
    sendParts(storage, storageUploadId, multipartBytes);
    // The other caller completes between our listing and our completion.
    const complete = storage.completeMultipartUpload.bind(storage);
    storage.completeMultipartUpload = async (key, id, parts) => {
      await complete(key, id, parts);
      throw new Error("NoSuchUpload");
    };
    const artifact = await uploads.complete(alice, upload.id, { sha256: sha256Of(multipartBytes) });
    expect(artifact.state).toBe("uploaded");
    expect(artifact.etag).toBe(storage.objects.get(upload.objectKey)?.etag);
  });

  describe("the reconciler's repair (finishIfStored)", () => {
    const completionOf = (storage: FakeStorage, clock: () => Date) =>
      new UploadCompletion(catalogue.catalog, storage.asObjectStorage, clock);

    it("finishes a multipart upload whose whole object storage holds with the recorded ETag", async () => {
      const { storage, clock, upload, etag } = await crashedAfterStorageCompleted();
      // The opening declared no SHA-256: record one as a completing caller would have.
      await catalogue.db.query("update artifacts set sha256 = $2 where id = $1", [
        upload.artifactId,
        sha256Of(multipartBytes),
      ]);
      const current = await catalogue.catalog.findUpload(upload.id);
      const finished = (await completionOf(storage, clock).finishIfStored(current ?? upload)) as Artifact;
      expect(finished).toMatchObject({ state: "uploaded", etag });
    });

    it("leaves one alone without a declared SHA-256, a recorded ETag, or the whole object", async () => {
      const { storage, clock, upload } = await crashedAfterStorageCompleted();
      const completion = completionOf(storage, clock);
      const current = (await catalogue.catalog.findUpload(upload.id)) ?? upload;
      expect(await completion.finishIfStored(current)).toBeNull(); // no SHA-256
      await catalogue.db.query("update artifacts set sha256 = $2 where id = $1", [
        upload.artifactId,
        "a".repeat(64),
      ]);
      expect(await completion.finishIfStored({ ...current, completingEtag: null })).toBeNull();
      storage.objects.delete(upload.objectKey);
      expect(await completion.finishIfStored(current)).toBeNull();
    });
  });
});
