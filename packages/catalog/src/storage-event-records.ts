import type { Artifact, UploadSession } from "@artifact-store/core";
import type { Database } from "./database";
import type { Row } from "./row-values";
import { artifactFromRow, uploadFromRow } from "./rows";

/** What identifies one bucket notification across redeliveries. */
export interface StorageEventKey {
  bucket: string;
  objectKey: string;
  eventName: string;
  eventRef: string;
}

/** Bucket notifications already acted on, and the records a notification's object key points at. */
export class StorageEventRecords {
  constructor(private readonly db: Database) {}

  /** True the first time a notification is claimed; false for a redelivery (or a concurrent twin). */
  async claim(event: StorageEventKey, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      `insert into storage_events (bucket, object_key, event_name, event_ref, processed_at)
       values ($1, $2, $3, $4, $5::timestamptz) on conflict do nothing returning 1`,
      [event.bucket, event.objectKey, event.eventName, event.eventRef, at.toISOString()],
    );
    return rows.length > 0;
  }

  async recordOutcome(event: StorageEventKey, outcome: string): Promise<void> {
    await this.db.query(
      `update storage_events set outcome = $5
       where bucket = $1 and object_key = $2 and event_name = $3 and event_ref = $4`,
      [event.bucket, event.objectKey, event.eventName, event.eventRef, outcome],
    );
  }

  /** Forgets a claim whose processing failed, so storage's retry is acted on. */
  async release(event: StorageEventKey): Promise<void> {
    await this.db.query(
      `delete from storage_events
       where bucket = $1 and object_key = $2 and event_name = $3 and event_ref = $4`,
      [event.bucket, event.objectKey, event.eventName, event.eventRef],
    );
  }

  async findOpenUploadByKey(objectKey: string): Promise<UploadSession | null> {
    const [row] = await this.db.query<Row>(
      `select * from upload_sessions where object_key = $1 and state = 'open'
       order by created_at desc limit 1`,
      [objectKey],
    );
    return row ? uploadFromRow(row) : null;
  }

  async findArtifactByKey(objectKey: string): Promise<Artifact | null> {
    const [row] = await this.db.query<Row>("select * from artifacts where object_key = $1", [objectKey]);
    return row ? artifactFromRow(row) : null;
  }
}
