import { describe, expect, it } from "vitest";
import { storageEventRef, storageEventsOf } from "./storage-events";

const record = (eventName: string, object: Record<string, unknown>) => ({
  eventName,
  eventTime: "2026-11-30T14:00:00.000Z",
  s3: { bucket: { name: "artifacts" }, object: { key: "artifacts/users/u/a.txt", ...object } },
});

describe("bucket notifications", () => {
  it("reads Ceph RGW's records: names without s3:, sizes as numbers or strings", () => {
    const [created, removed] = storageEventsOf({
      Records: [
        record("ObjectCreated:CompleteMultipartUpload", { size: "1024", eTag: "abc-2", sequencer: "F7E6" }),
        record("ObjectRemoved:Delete", { size: 5, eTag: "5d41" }),
      ],
    });
    expect(created).toMatchObject({
      kind: "created",
      eventName: "ObjectCreated:CompleteMultipartUpload",
      bucket: "artifacts",
      key: "artifacts/users/u/a.txt",
      size: 1024,
      etag: "abc-2",
    });
    expect(removed).toMatchObject({ kind: "removed", size: 5 });
    expect(created && storageEventRef(created)).toBe("F7E6");
    expect(removed && storageEventRef(removed)).toBe("5d41");
  });

  it("reads MinIO's: s3: names, URL-encoded keys, quoted ETags", () => {
    const [event] = storageEventsOf({
      EventName: "s3:ObjectCreated:Put",
      Key: "artifacts/artifacts/users/u/a b.txt",
      Records: [record("s3:ObjectCreated:Put", { key: "artifacts%2Fusers%2Fu%2Fa+b.txt", eTag: '"e1"' })],
    });
    expect(event).toMatchObject({
      kind: "created",
      eventName: "ObjectCreated:Put",
      key: "artifacts/users/u/a b.txt",
      etag: "e1",
    });
  });

  it("knows other events as other", () => {
    expect(storageEventsOf({ Records: [record("s3:ObjectAccessed:Get", {})] })[0]?.kind).toBe("other");
    expect(storageEventsOf({ Records: [record("s3:ObjectCreated:PutTagging", {})] })[0]?.kind).toBe("other");
    expect(storageEventsOf({})).toEqual([]);
  });
});
