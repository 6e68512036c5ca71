import { randomUUID } from "node:crypto";
import type { Catalog, IntegrityRecords } from "@artifact-store/catalog";
import type { IntegrityRun } from "@artifact-store/core";
import { messageOf } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import type { Verifier } from "./verifier";

/** Where every artifact's bytes live (see artifactObjectKey); sidecars and audit exports are elsewhere. */
const ARTIFACT_PREFIX = "artifacts/";
/** A report lists this many findings at most; its summary counts them all. */
const MAX_FINDINGS = 1000;
const UPLOAD_BATCH = 100;

interface ReconcileSummary {
  objectsListed: number;
  objectsWithoutRecord: number;
  recordsWithoutObject: number;
  expiredUploadsAborted: number;
  failures: number;
  findingsTruncated: boolean;
}

/**
 * Compares the catalogue with the bucket: objects no artifact claims (reported, never deleted: the
 * catalogue may be what was lost, and reindex rebuilds it from the sidecars), artifacts whose
 * object is gone (verified again, which quarantines them as corrupt: object_missing), and upload
 * sessions left open past their expiry (aborted in storage, so their parts stop costing space).
 */
export class Reconciler {
  constructor(
    private readonly records: IntegrityRecords,
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    private readonly verifier: Verifier,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(): Promise<IntegrityRun> {
    const id = randomUUID();
    await this.records.startRun(id, "reconcile", this.now());
    const summary: ReconcileSummary = {
      objectsListed: 0,
      objectsWithoutRecord: 0,
      recordsWithoutObject: 0,
      expiredUploadsAborted: 0,
      failures: 0,
      findingsTruncated: false,
    };
    const findings: Record<string, unknown>[] = [];
    const find = (finding: Record<string, unknown>) => {
      if (findings.length < MAX_FINDINGS) findings.push(finding);
      else summary.findingsTruncated = true;
    };
    await this.abortExpiredUploads(summary, find);
    await this.compareWithBucket(summary, find);
    return this.records.finishRun(id, this.now(), { ...summary }, findings);
  }

  private async abortExpiredUploads(
    summary: ReconcileSummary,
    find: (finding: Record<string, unknown>) => void,
  ): Promise<void> {
    const failed = new Set<string>();
    for (;;) {
      const expired = (await this.records.expiredUploads(this.now(), UPLOAD_BATCH + failed.size)).filter(
        (upload) => !failed.has(upload.id),
      );
      if (expired.length === 0) return;
      for (const upload of expired) {
        try {
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
  private async compareWithBucket(
    summary: ReconcileSummary,
    find: (finding: Record<string, unknown>) => void,
  ): Promise<void> {
    let after: string | null = null;
    let token: string | undefined;
    do {
      const page = await this.storage.listKeys(ARTIFACT_PREFIX, token);
      token = page.next;
      summary.objectsListed += page.keys.length;
      const known = await this.records.knownKeys(page.keys);
      for (const key of page.keys) {
        if (known.has(key)) continue;
        summary.objectsWithoutRecord += 1;
        find({ kind: "object_without_record", objectKey: key });
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
