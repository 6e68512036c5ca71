import * as v from "valibot";

/** One S3-style event record (S3, Ceph RGW, MinIO): only the fields read; the rest pass. */
const StorageEventRecord = v.looseObject({
  eventName: v.pipe(v.string(), v.maxLength(200)),
  eventTime: v.optional(v.string()),
  s3: v.looseObject({
    bucket: v.looseObject({ name: v.pipe(v.string(), v.maxLength(255)) }),
    object: v.looseObject({
      key: v.pipe(v.string(), v.maxLength(4096)),
      size: v.optional(v.union([v.number(), v.string()])),
      eTag: v.optional(v.string()),
      sequencer: v.optional(v.string()),
      versionId: v.optional(v.nullable(v.string())),
    }),
  }),
});
/** A bucket notification: `{Records}` (S3, Ceph RGW) or `{EventName, Key, Records}` (MinIO). */
export const StorageNotificationBody = v.looseObject({
  EventName: v.optional(v.string()),
  Key: v.optional(v.string()),
  Records: v.optional(v.pipe(v.array(StorageEventRecord), v.maxLength(1000))),
});
export type StorageNotificationBody = v.InferOutput<typeof StorageNotificationBody>;

/** What one notification did to the catalogue. */
export const StorageEventsRun = v.object({
  /** Event records the notification carried. */
  records: v.number(),
  /** Single-PUT uploads completed because their object arrived. */
  completed: v.number(),
  /** Artifacts whose object was overwritten or removed behind the catalogue's back, verified again. */
  reverified: v.number(),
  /** Records already processed (redeliveries). */
  duplicates: v.number(),
  /** Other buckets, keys outside artifacts/, unknown keys, events that need nothing. */
  ignored: v.number(),
});
export type StorageEventsRun = v.InferOutput<typeof StorageEventsRun>;
