import { randomUUID } from "node:crypto";
import type { Catalog, IntegrityRecords, KeyClaim } from "@artifact-store/catalog";
import {
  type ArtifactState,
  artifactSidecarKey,
  type IntegrityRun,
  messageOf,
  type UploadSession,
} from "@artifact-store/core";
import type { ListedObject, ObjectStorage } from "@artifact-store/storage";
import { UploadCompletion } from "./completion";
import { readSidecar } from "./sidecar";
import type { Verifier } from "./verifier";

/** Where every artifact's bytes live (see artifactObjectKey); sidecars and audit exports are elsewhere. */
const ARTIFACT_PREFIX = "artifacts/";
/** A report lists this many findings at most; its summary counts them all. */
const MAX_FINDINGS = 1000;
const UPLOAD_BATCH = 100;

export interface ReconcileSettings {
  /**
   * Objects no live record points to are deleted once older than this; null (the default) only
   * reports them, since it may be the catalogue that was lost (reindex rebuilds it).
   */
  deleteOrphansAfterSeconds: number | null;
}

export const RECONCILE_DEFAULTS: ReconcileSettings = { deleteOrphansAfterSeconds: null };

interface ReconcileSummary {
  objectsListed: number;
  /** Pending uploads whose whole object storage already held: finished as their uploader would have. */
  pendingUploadsFinished: number;
  /** Objects under artifacts/ that no live record points to (none, a tombstone, an aborted upload). */
  objectsWithoutRecord: number;
  orphanedBytes: number;
  orphansDeleted: number;
  recordsWithoutObject: number;
  expiredUploadsAborted: number;
  failures: number;
  findingsTruncated: boolean;
}

type Find = (finding: Record<string, unknown>) => void;

/** The states whose object the catalogue vouches for. */
const LIVE_STATES: readonly ArtifactState[] = ["uploaded", "verified", "corrupt"];

/** The artifact id in a key made by artifactObjectKey (`artifacts/users/{owner}/{id}{.ext}`). */
const artifactIdInKey = (key: string): string | null =>
  /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.[^/]*)?$/.exec(key)?.[1] ?? null;

/**
 * Compares the catalogue with the bucket, and repairs what needs no client:
 * - pending uploads whose whole object storage already holds (an uploader or a completion that
 *   died after the bytes were in) are finished, and go on to verification;
 * - upload sessions left open past their expiry are aborted in storage, so their parts stop
 *   costing space (after trying to finish them, as above);
 * - objects no live record points to are reported with their sizes, and deleted only when
 *   `deleteOrphansAfterSeconds` is set and they are older than that, and never while a sidecar
 *   says the artifact is live (a lost catalogue: reindex brings it back);
 * - artifacts whose object is gone are verified again, which quarantines them as corrupt
 *   (object_missing).
 */
export class Reconciler {
  private readonly completion: UploadCompletion;

  constructor(
    private readonly records: IntegrityRecords,
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    private readonly verifier: Verifier,
    private readonly settings: ReconcileSettings = RECONCILE_DEFAULTS,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.completion = new UploadCompletion(catalog, storage, now);
  }

  async run(): Promise<IntegrityRun> {
    const id = randomUUID();
    await this.records.startRun(id, "reconcile", this.now());
    const summary: ReconcileSummary = {
      objectsListed: 0,
      pendingUploadsFinished: 0,
      objectsWithoutRecord: 0,
      orphanedBytes: 0,
      orphansDeleted: 0,
      recordsWithoutObject: 0,
      expiredUploadsAborted: 0,
      failures: 0,
      findingsTruncated: false,
    };
    const findings: Record<string, unknown>[] = [];
    const find: Find = (finding) => {
      if (findings.length < MAX_FINDINGS) findings.push(finding);
      else summary.findingsTruncated = true;
    };
    await this.closeExpiredUploads(summary, find);
    await this.compareWithBucket(summary, find);
    return this.records.finishRun(id, this.now(), { ...summary }, findings);
  }

  /** Finishes an open upload from storage when its object is whole there; false when it is not. */
  private async finishFromStorage(upload: UploadSession, summary: ReconcileSummary, find: Find) {
    const finished = await this.completion.finishIfStored(upload);
    if (!finished) return false;
    summary.pendingUploadsFinished += 1;
    find({ kind: "pending_upload_finished", uploadId: upload.id, artifactId: upload.artifactId });
    await this.verifier.afterUpload(finished);
    return true;
  }

  private async closeExpiredUploads(summary: ReconcileSummary, find: Find): Promise<void> {
    const failed = new Set<string>();
    for (;;) {
      const expired = (await this.records.expiredUploads(this.now(), UPLOAD_BATCH + failed.size)).filter(
        (upload) => !failed.has(upload.id),
      );
      if (expired.length === 0) return;
      for (const upload of expired) {
        try {
          if (await this.finishFromStorage(upload, summary, find)) continue;
          if (upload.storageUploadId) {
            await this.storage.abortMultipartUpload(upload.objectKey, upload.storageUploadId);
          } else {
            // A single PUT that arrived but was never completed: no record will ever claim it.
            await this.storage.deleteObject(upload.objectKey);
          }
          if (await this.catalog.abortUpload(upload.id, this.now(), "expired")) {
            summary.expiredUploadsAborted += 1;
            find({
              kind: "expired_upload_aborted",
              uploadId: upload.id,
              artifactId: upload.artifactId,
              expiredAt: upload.expiresAt.toISOString(),
            });
          }
        } catch (error) {
          failed.add(upload.id);
          summary.failures += 1;
          find({ kind: "abort_failed", uploadId: upload.id, error: messageOf(error) });
        }
      }
    }
  }

  /**
   * A merge of two sorted lists, a page at a time: the bucket's keys in key order, and the
   * catalogue's keys of artifacts whose bytes should be stored, over the same key range.
   */
  private async compareWithBucket(summary: ReconcileSummary, find: Find): Promise<void> {
    let after: string | null = null;
    let token: string | undefined;
    do {
      const page = await this.storage.listKeys(ARTIFACT_PREFIX, token);
      token = page.next;
      summary.objectsListed += page.keys.length;
      const claims = await this.records.keyClaims(page.keys);
      for (const object of page.objects) {
        const claim = claims.get(object.key);
        if (claim && LIVE_STATES.includes(claim.state)) continue;
        try {
          if (claim?.openUpload) {
            // An upload in progress, unless storage already holds its whole object.
            await this.finishFromStorage(claim.openUpload, summary, find);
            continue;
          }
          await this.orphan(object, claim, summary, find);
        } catch (error) {
          summary.failures += 1;
          find({ kind: "check_failed", objectKey: object.key, error: messageOf(error) });
        }
      }
      // The last page covers everything after the previous one, to the end of the key space.
      const upTo: string | null = token ? (page.keys[page.keys.length - 1] ?? after) : null;
      const listed = new Set(page.keys);
      for (const record of await this.records.storedKeysBetween(after, upTo)) {
        if (listed.has(record.objectKey)) continue;
        await this.quarantineMissing(record.id, summary, find);
      }
      after = upTo;
    } while (token);
  }

  /** An object no live record points to: reported, and deleted past the grace when that is set. */
  private async orphan(
    object: ListedObject,
    claim: KeyClaim | undefined,
    summary: ReconcileSummary,
    find: Find,
  ): Promise<void> {
    summary.objectsWithoutRecord += 1;
    summary.orphanedBytes += object.size;
    const finding: Record<string, unknown> = {
      kind: "object_without_record",
      objectKey: object.key,
      size: object.size,
      ...(claim ? { artifactId: claim.artifactId, artifactState: claim.state } : {}),
    };
    if (await this.mayDelete(object, claim)) {
      await this.storage.deleteObject(object.key);
      summary.orphansDeleted += 1;
      finding.deleted = true;
    }
    find(finding);
  }

  private async mayDelete(object: ListedObject, claim: KeyClaim | undefined): Promise<boolean> {
    const grace = this.settings.deleteOrphansAfterSeconds;
    if (grace === null || !object.lastModified) return false;
    if (this.now().getTime() - object.lastModified.getTime() < grace * 1000) return false;
    if (claim) return true;
    // No record at all: a sidecar of a live artifact means the catalogue lost it, not the bucket.
    const artifactId = artifactIdInKey(object.key);
    const sidecar = artifactId ? await this.storage.getText(artifactSidecarKey(artifactId)) : null;
    if (!sidecar) return true;
    const reading = readSidecar(sidecar);
    return reading.ok && reading.deletedAt !== null;
  }

  /** Reads the object again first: one completed since the listing is found and verified instead. */
  private async quarantineMissing(
    artifactId: string,
    summary: ReconcileSummary,
    find: (finding: Record<string, unknown>) => void,
  ): Promise<void> {
    try {
      const artifact = await this.catalog.findArtifact(artifactId);
      if (!artifact) return;
      const checked = await this.verifier.verify(artifact);
      if (checked.state !== "corrupt" || checked.integrity?.reason !== "object_missing") return;
      summary.recordsWithoutObject += 1;
      find({ kind: "record_without_object", artifactId, objectKey: artifact.objectKey });
    } catch (error) {
      summary.failures += 1;
      find({ kind: "check_failed", artifactId, error: messageOf(error) });
    }
  }
}
