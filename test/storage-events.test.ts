import { randomUUID } from "node:crypto";
import type { ArtifactView, StorageEventsRun } from "@artifact-store/api";
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putWithoutComplete } from "./support/single-put";
import { randomBytesOf, sha256, startTestStack, type TestStack } from "./support/stack";

// Storage's own notifications keep the catalogue true when a client never calls back, or when
// someone changes the bucket behind the API's back.

const TOKEN = `storage-events-${randomUUID()}`;
const run = randomUUID().slice(0, 8);
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ STORAGE_EVENTS_TOKEN: TOKEN }, { ownDatabase: true });
});
afterAll(() => stack?.close());

interface StoredObject {
  key: string;
  size: number;
  etag: string;
}

/** A record as Ceph RGW (and S3) send them: `{"Records": [...]}`, names without `s3:`. */
const rgwNotification = (eventName: string, object: StoredObject, sequencer = randomUUID()) => ({
  Records: [
    {
      eventVersion: "2.1",
      eventSource: "ceph:s3",
      awsRegion: "us-east-1",
      eventTime: new Date().toISOString(),
      eventName,
      userIdentity: { principalId: "tester" },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "storage-events",
        bucket: { name: stack.bucket, ownerIdentity: { principalId: "tester" } },
        object: {
          key: object.key,
          size: String(object.size),
          eTag: object.etag,
          versionId: "",
          sequencer,
          metadata: [],
          tags: [],
        },
      },
      eventId: "",
      opaqueData: "",
    },
  ],
});

/** As MinIO's webhook target sends them: the key URL-encoded in the record, `s3:` names. */
const minioNotification = (eventName: string, object: StoredObject) => ({
  EventName: `s3:${eventName}`,
  Key: `${stack.bucket}/${object.key}`,
  Records: [
    {
      eventVersion: "2.0",
      eventSource: "minio:s3",
      awsRegion: "",
      eventTime: new Date().toISOString(),
      eventName: `s3:${eventName}`,
      s3: {
        s3SchemaVersion: "1.0",
        bucket: { name: stack.bucket, arn: `arn:aws:s3:::${stack.bucket}` },
        object: {
          key: encodeURIComponent(object.key),
          size: object.size,
          eTag: object.etag,
          contentType: "text/plain",
          sequencer: randomUUID().replaceAll("-", "").toUpperCase(),
        },
      },
    },
  ],
});

const notify = (body: unknown, token: string | null = TOKEN) =>
  stack.api("/v1/storage-events", {
    method: "POST",
    body: JSON.stringify(body),
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });

const notified = async (body: unknown): Promise<StorageEventsRun> => {
  const response = await notify(body);
  expect(response.status).toBe(200);
  return (await response.json()) as StorageEventsRun;
};

const stored = async (key: string): Promise<StoredObject> => {
  const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
  return { key, size: head.ContentLength ?? 0, etag: (head.ETag ?? "").replaceAll('"', "") };
};

/** A single-PUT upload whose bytes reach storage but whose client never calls complete. */
const abandonedUpload = async (owner: string, options: { declareSha256?: boolean } = {}) => {
  const { token, upload } = await putWithoutComplete(stack, owner, { size: 2048, ...options });
  const artifact = await stack.runtime.catalog.findArtifact(upload.artifactId);
  return { token, upload, object: await stored(artifact?.objectKey ?? "") };
};

const artifactOf = async (id: string, token: string) => {
  const response = await stack.api(`/v1/artifacts/${id}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as ArtifactView;
};

const uploadState = async (uploadId: string) => (await stack.runtime.catalog.findUpload(uploadId))?.state;

describe("a single-PUT upload whose client never calls complete", () => {
  it("is completed and verified by storage's ObjectCreated notification (Ceph RGW / S3 format)", async () => {
    const { token, upload, object } = await abandonedUpload(`rgw-${run}`);
    expect(await uploadState(upload.uploadId)).toBe("open");

    const notification = rgwNotification("ObjectCreated:Put", object);
    expect(await notified(notification)).toEqual({
      records: 1,
      completed: 1,
      reverified: 0,
      duplicates: 0,
      ignored: 0,
    });
    expect(await uploadState(upload.uploadId)).toBe("completed");
    const artifact = await artifactOf(upload.artifactId, token);
    expect(artifact.state).toBe("verified");

    // Delivered again: recognised, nothing changes.
    expect(await notified(notification)).toMatchObject({ records: 1, completed: 0, duplicates: 1 });
    expect(await artifactOf(upload.artifactId, token)).toEqual(artifact);
  });

  it("is completed from MinIO's webhook format too", async () => {
    const { token, upload, object } = await abandonedUpload(`minio-${run}`);
    expect(await notified(minioNotification("ObjectCreated:Put", object))).toMatchObject({ completed: 1 });
    expect((await artifactOf(upload.artifactId, token)).state).toBe("verified");
  });

  it("stays open when its SHA-256 was never declared: only its owner can finish it", async () => {
    const { upload, object } = await abandonedUpload(`undeclared-${run}`, { declareSha256: false });
    expect(await notified(rgwNotification("ObjectCreated:Put", object))).toMatchObject({
      completed: 0,
      ignored: 1,
    });
    expect(await uploadState(upload.uploadId)).toBe("open");
  });
});

describe("only storage may notify", () => {
  it("a forged notification (wrong or missing token) is refused and changes nothing", async () => {
    const { upload, object } = await abandonedUpload(`forged-${run}`);
    for (const token of ["not-the-token", `${TOKEN}x`, null]) {
      const response = await notify(rgwNotification("ObjectCreated:Put", object), token);
      expect(response.status).toBe(401);
    }
    const viaQuery = await stack.api(`/v1/storage-events?token=wrong`, {
      method: "POST",
      body: JSON.stringify(rgwNotification("ObjectCreated:Put", object)),
    });
    expect(viaQuery.status).toBe(401);
    expect(await uploadState(upload.uploadId)).toBe("open");

    // The token in the query, as push endpoints that cannot send headers carry it, is accepted.
    const accepted = await stack.api(`/v1/storage-events?token=${encodeURIComponent(TOKEN)}`, {
      method: "POST",
      body: JSON.stringify(rgwNotification("ObjectCreated:Put", object)),
    });
    expect(accepted.status).toBe(200);
    expect(await uploadState(upload.uploadId)).toBe("completed");
  });

  it("with no token configured, the endpoint refuses everything", async () => {
    const { config } = stack.runtime;
    config.storageEventsToken = undefined;
    try {
      const response = await notify({ Records: [] }, "anything");
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "storage_events_disabled",
      );
    } finally {
      config.storageEventsToken = TOKEN;
    }
  });
});

describe("changes behind the catalogue's back", () => {
  const verifiedArtifact = async (owner: string) => {
    const client = await stack.clientFor(owner);
    const bytes = randomBytesOf(4096);
    const artifact = await client.upload(bytes, {
      filename: "shot.bin",
      contentType: "application/octet-stream",
      sha256: sha256(bytes),
    });
    expect(artifact.state).toBe("verified");
    const record = await stack.runtime.catalog.findArtifact(artifact.id);
    return { id: artifact.id, token: await stack.tokenFor(owner), key: record?.objectKey ?? "" };
  };

  it("an object deleted and notified makes its artifact corrupt (object_missing), not silently gone", async () => {
    const { id, token, key } = await verifiedArtifact(`deleted-${run}`);
    const before = await stored(key);
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: key }));
    const notification = rgwNotification("ObjectRemoved:Delete", { key, size: 0, etag: "" });
    expect(await notified(notification)).toMatchObject({ reverified: 1 });
    const artifact = await artifactOf(id, token);
    expect(artifact.state).toBe("corrupt");
    expect(artifact.integrity).toMatchObject({ state: "corrupt", reason: "object_missing" });
    expect(await notified(notification)).toMatchObject({ reverified: 0, duplicates: 1 });
    expect(before.size).toBe(4096);
  });

  it("an object overwritten with other bytes is verified again and quarantined", async () => {
    const { id, token, key } = await verifiedArtifact(`overwritten-${run}`);
    // The notification of the upload itself carries the recorded ETag: nothing to do.
    expect(await notified(rgwNotification("ObjectCreated:Put", await stored(key)))).toMatchObject({
      reverified: 0,
      ignored: 1,
    });
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: randomBytesOf(4096) }));
    expect(await notified(minioNotification("ObjectCreated:Put", await stored(key)))).toMatchObject({
      reverified: 1,
    });
    const artifact = await artifactOf(id, token);
    expect(artifact.state).toBe("corrupt");
    expect(artifact.integrity).toMatchObject({ reason: "sha256_mismatch" });
  });

  it("keys outside artifacts/, unknown keys and other buckets are ignored", async () => {
    const unknown = { key: `artifacts/users/nobody/${randomUUID()}.bin`, size: 1, etag: "abc" };
    const outside = { key: "metadata/artifacts/x/metadata.json", size: 1, etag: "abc" };
    const elsewhere = rgwNotification("ObjectCreated:Put", unknown);
    const record = elsewhere.Records[0];
    if (record) record.s3.bucket.name = "another-bucket";
    expect(
      await notified({
        Records: [
          ...rgwNotification("ObjectCreated:Put", unknown).Records,
          ...rgwNotification("ObjectRemoved:Delete", outside).Records,
          ...elsewhere.Records,
        ],
      }),
    ).toEqual({ records: 3, completed: 0, reverified: 0, duplicates: 0, ignored: 3 });
  });
});
