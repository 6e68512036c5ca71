import type {
  BackupList,
  BackupReport,
  BackupSnapshotView,
  RestoreReport,
  RestoreRequest,
} from "@artifact-store/api";
import { sidecarOf, type Verifier } from "@artifact-store/artifacts";
import type { BackupProgress, BackupRecords, Catalog, GrantRecords } from "@artifact-store/catalog";
import { conflict, type Grant, once } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import pMap from "p-map";
import { ContentStore, contentKey } from "./content-store";
import { restoreSnapshot } from "./restore";
import { prune, type RetentionSettings } from "./retention";
import {
  listSnapshots,
  type ManifestEntry,
  newSnapshotId,
  type SnapshotGrant,
  writeManifestPage,
  writeSummary,
} from "./snapshots";

const snapshotGrant = (grant: Grant): SnapshotGrant => ({
  grantee: grant.grantee,
  grantedBy: grant.grantedBy,
  createdAt: grant.createdAt.toISOString(),
  expiresAt: grant.expiresAt?.toISOString() ?? null,
});

export interface BackupSettings extends RetentionSettings {
  /** The bucket snapshots and the content store live in, on the same storage as the artifacts. */
  bucket: string;
}

/** Artifact records per manifest page: the unit of progress a resumed run starts after. */
const PAGE_SIZE = 500;
/** Copies in flight at once. */
const CONCURRENCY = 16;
/** A Lambda runs at most 15 minutes: a claim older than that belongs to a run that died. */
const CLAIM_MS = 15 * 60 * 1000;

/**
 * Scheduled snapshots of the catalogue into a backup bucket, with the bytes of verified artifacts
 * copied server-side into a content-addressed store (each distinct content once), retention, and
 * restore from any kept snapshot.
 */
export class Backups {
  private readonly backup: ObjectStorage;

  constructor(
    private readonly records: BackupRecords,
    private readonly catalog: Catalog,
    private readonly grants: GrantRecords,
    private readonly live: ObjectStorage,
    private readonly verifier: Verifier,
    readonly settings: BackupSettings,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.backup = live.otherBucket(settings.bucket);
  }

  /** Takes a snapshot, resuming one cut off if there is one, then applies retention. */
  async run(): Promise<BackupReport> {
    await this.ready();
    const startedAt = this.now();
    const claimUntil = () => new Date(this.now().getTime() + CLAIM_MS);
    const fresh = newSnapshotId(startedAt);
    const run = await this.records.claimRun(fresh, startedAt, claimUntil());
    if (!run) throw conflict("backup_running", "Another backup is running; try again once it finishes.");
    const id = run.snapshotId;
    const progress: BackupProgress = {
      cursor: run.cursor ?? "",
      pages: run.pages,
      artifacts: run.artifacts,
      bytes: run.bytes,
      copied: run.copied,
      copiedBytes: run.copiedBytes,
    };
    const content = new ContentStore(this.live, this.backup);
    try {
      for (;;) {
        const records = await this.records.artifactsAfter(progress.cursor || null, PAGE_SIZE);
        if (records.length === 0) break;
        const entries = await pMap(
          records,
          async ({ artifact, deletedAt, grants }) => {
            const record = sidecarOf(artifact, deletedAt ?? undefined);
            const kept = grants.map(snapshotGrant);
            // Only verified bytes go in: the store's names are promises about its content.
            const { sha256 } = artifact;
            if (artifact.state !== "verified" || sha256 === null)
              return { record, content: null, grants: kept };
            if (await content.store({ ...artifact, sha256 })) {
              progress.copied += 1;
              progress.copiedBytes += artifact.size;
            }
            progress.bytes += artifact.size;
            return { record, content: contentKey(sha256), grants: kept } satisfies ManifestEntry;
          },
          { concurrency: CONCURRENCY },
        );
        progress.pages += 1;
        await writeManifestPage(this.backup, id, progress.pages, entries);
        progress.artifacts += records.length;
        progress.cursor = records[records.length - 1]?.artifact.id ?? progress.cursor;
        await this.records.advance(id, progress, claimUntil());
      }
      const snapshot: BackupSnapshotView = {
        id,
        takenAt: run.startedAt.toISOString(),
        finishedAt: this.now().toISOString(),
        artifacts: progress.artifacts,
        bytes: progress.bytes,
        copied: progress.copied,
        copiedBytes: progress.copiedBytes,
      };
      await writeSummary(this.backup, snapshot);
      // Still holding the run: no other backup can count on content the sweep is deleting.
      const pruned = await prune(this.backup, this.settings);
      await this.records.finish(id, this.now());
      return { snapshot, resumed: id !== fresh, pruned };
    } catch (error) {
      await this.records.release(id).catch(() => {});
      throw error;
    }
  }

  async list(): Promise<BackupList> {
    await this.ready();
    return { snapshots: await listSnapshots(this.backup) };
  }

  async restore(snapshotId: string, request: RestoreRequest = {}): Promise<RestoreReport> {
    await this.ready();
    return restoreSnapshot(
      {
        catalog: this.catalog,
        grants: this.grants,
        live: this.live,
        backup: this.backup,
        verifier: this.verifier,
      },
      snapshotId,
      request ?? {},
    );
  }

  /** The backup bucket exists and is closed to anonymous callers, as the artifacts' is. */
  private readonly ready = once(() => this.backup.prepareBucket());
}
