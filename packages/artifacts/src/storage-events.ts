import type { StorageEventsRun } from "@artifact-store/api";
import type { StorageEventKey, StorageEventRecords } from "@artifact-store/catalog";
import {
  type Artifact,
  isDomainError,
  type Principal,
  type StorageEvent,
  type StorageNotificationInput,
  storageEventRef,
  storageEventsOf,
  USER_SCOPES,
} from "@artifact-store/core";
import type { Uploads } from "./uploads";
import type { Verifier } from "./verifier";

/** The states whose bytes are in storage; a change to their object is worth a look. */
const LIVE: readonly Artifact["state"][] = ["uploaded", "verified", "corrupt"];

type Outcome = "completed" | "reverified" | "ignored";

/** The owner, as completing their own upload: storage saw the bytes arrive, the client never called. */
const ownerOf = (ownerId: string): Principal => ({
  kind: "user",
  id: ownerId,
  roles: [],
  scopes: USER_SCOPES,
});

/**
 * Keeps the catalogue true to the bucket from storage's own notifications: completes single-PUT
 * uploads whose client never called complete, and re-verifies artifacts whose object was
 * overwritten or removed behind the catalogue's back. Each event is acted on once.
 */
export class StorageEvents {
  constructor(
    private readonly records: StorageEventRecords,
    private readonly uploads: Uploads,
    private readonly verifier: Verifier,
    private readonly bucket: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async receive(notification: StorageNotificationInput): Promise<StorageEventsRun> {
    const events = storageEventsOf(notification);
    const run: StorageEventsRun = {
      records: events.length,
      completed: 0,
      reverified: 0,
      duplicates: 0,
      ignored: 0,
    };
    for (const event of events) {
      if (event.bucket !== this.bucket || event.kind === "other" || !event.key.startsWith("artifacts/")) {
        run.ignored += 1;
        continue;
      }
      const key: StorageEventKey = {
        bucket: event.bucket,
        objectKey: event.key,
        eventName: event.eventName,
        eventRef: storageEventRef(event),
      };
      if (!(await this.records.claim(key, this.now()))) {
        run.duplicates += 1;
        continue;
      }
      let outcome: Outcome;
      try {
        outcome = await this.apply(event);
      } catch (error) {
        // Storage retries a failed delivery: let the retry act.
        await this.records.release(key);
        throw error;
      }
      await this.records.recordOutcome(key, outcome);
      run[outcome] += 1;
    }
    return run;
  }

  private async apply(event: StorageEvent): Promise<Outcome> {
    if (event.kind === "created") {
      const upload = await this.records.findOpenUploadByKey(event.key);
      if (upload)
        return upload.mode === "single" ? this.completeUpload(upload.ownerId, upload.id) : "ignored";
    }
    const artifact = await this.records.findArtifactByKey(event.key);
    if (!artifact || !LIVE.includes(artifact.state)) return "ignored";
    if (event.kind === "created" && !this.differs(artifact, event)) return "ignored";
    await this.verifier.verify(artifact);
    return "reverified";
  }

  /** The notification of the catalogue's own upload carries the recorded ETag and size. */
  private differs(artifact: Artifact, event: StorageEvent): boolean {
    const recorded = artifact.etag?.replace(/^"|"$/g, "") ?? null;
    if (event.etag !== null && event.etag !== recorded) return true;
    return event.size !== null && event.size !== artifact.size;
  }

  /**
   * Completes as the owner would. Without a declared SHA-256, or with bytes that do not fit the
   * declaration, the upload stays open for its owner (or its expiry) to settle.
   */
  private async completeUpload(ownerId: string, uploadId: string): Promise<Outcome> {
    try {
      const uploaded = await this.uploads.complete(
        ownerOf(ownerId),
        uploadId,
        { onOwnersBehalf: true },
        this.verifier.inline,
      );
      await this.verifier.afterUpload(uploaded);
      return "completed";
    } catch (error) {
      if (isDomainError(error) && error.kind !== "unavailable") return "ignored";
      throw error;
    }
  }
}
