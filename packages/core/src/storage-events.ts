/**
 * Bucket notifications, as S3, Ceph RGW (`{Records}`) and MinIO's webhook target
 * (`{EventName, Key, Records}`) send them, reduced to what the catalogue acts on.
 */

/** One S3-style event record, as far as it is read here (every server adds more). */
export interface StorageEventRecordInput {
  eventName: string;
  eventTime?: string | undefined;
  s3: {
    bucket: { name: string };
    object: {
      key: string;
      size?: number | string | undefined;
      eTag?: string | undefined;
      sequencer?: string | undefined;
      versionId?: string | null | undefined;
    };
  };
}

export interface StorageNotificationInput {
  /** MinIO: the event name of its single record. */
  EventName?: string | undefined;
  /** MinIO: `bucket/key`. */
  Key?: string | undefined;
  Records?: readonly StorageEventRecordInput[] | undefined;
}

export type StorageEventKind = "created" | "removed" | "other";

export interface StorageEvent {
  kind: StorageEventKind;
  /** Without the `s3:` prefix some servers add: `ObjectCreated:Put`, `ObjectRemoved:Delete`. */
  eventName: string;
  bucket: string;
  /** Decoded: records carry keys URL-encoded (S3, MinIO), spaces as `+`. */
  key: string;
  size: number | null;
  /** Without quotes. */
  etag: string | null;
  /** Orders events of one key; what tells a redelivery from a new event, with the ETag. */
  sequencer: string | null;
  eventTime: string | null;
}

const decodeKey = (key: string): string => {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return key;
  }
};

const unquote = (etag: string | undefined): string | null => {
  const bare = etag?.replace(/^"|"$/g, "") ?? "";
  return bare === "" ? null : bare;
};

/** MinIO files tag, retention and legal-hold changes under ObjectCreated; the bytes stay the same. */
const METADATA_ONLY = /:(PutTagging|DeleteTagging|PutRetention|PutLegalHold)$/;

const kindOf = (eventName: string): StorageEventKind => {
  if (METADATA_ONLY.test(eventName)) return "other";
  if (eventName.startsWith("ObjectCreated:")) return "created";
  if (eventName.startsWith("ObjectRemoved:")) return "removed";
  return "other";
};

const sizeOf = (size: number | string | undefined): number | null => {
  const value = typeof size === "string" ? Number(size) : size;
  return value !== undefined && Number.isSafeInteger(value) && value >= 0 ? value : null;
};

export const storageEventOf = (record: StorageEventRecordInput): StorageEvent => {
  const eventName = record.eventName.replace(/^s3:/, "");
  const object = record.s3.object;
  return {
    kind: kindOf(eventName),
    eventName,
    bucket: record.s3.bucket.name,
    key: decodeKey(object.key),
    size: sizeOf(object.size),
    etag: unquote(object.eTag),
    sequencer: object.sequencer || null,
    eventTime: record.eventTime || null,
  };
};

/** Every event a notification carries: its records (MinIO's too carry the S3-style ones). */
export const storageEventsOf = (notification: StorageNotificationInput): StorageEvent[] =>
  (notification.Records ?? []).map(storageEventOf);

/** What makes a redelivered notification recognisable: the sequencer, else the ETag, else the time. */
export const storageEventRef = (event: StorageEvent): string =>
  event.sequencer ?? event.etag ?? event.eventTime ?? "-";
