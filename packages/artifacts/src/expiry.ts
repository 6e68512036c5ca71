import { randomUUID } from "node:crypto";
import type { ExpiryRunView } from "@artifact-store/api";
import type { AuditEvent } from "@artifact-store/audit";
import type { Catalog } from "@artifact-store/catalog";
import type { Artifact } from "@artifact-store/core";
import { messageOf } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import { writeSidecar } from "./sidecar";

/** The bucket side of a delete: the object goes, the sidecar records the tombstone. Safe to repeat. */
export const removeArtifact = async (storage: ObjectStorage, deleted: Artifact): Promise<void> => {
  await storage.deleteObject(deleted.objectKey);
  await writeSidecar(storage, deleted, deleted.updatedAt);
};

export interface ExpirySettings {
  /** Artifacts one run deletes at most; the next run goes on where it stopped. */
  maxPerRun: number;
  /** Seconds a run starts new deletes for (a scheduled function has a timeout). */
  maxSeconds: number;
}

export const EXPIRY_DEFAULTS: ExpirySettings = { maxPerRun: 1000, maxSeconds: 240 };

/** A report lists this many deleted artifacts at most; `deleted` counts them all. */
const MAX_LISTED = 1000;

/** Where the expiry job's deletes go in the audit trail: one line per artifact. */
export type AuditAppend = (event: AuditEvent) => Promise<unknown>;

/**
 * Deletes artifacts past their expiry that no legal hold keeps, oldest expiry first, through the
 * same catalogue delete as a user's (object removed, sidecar rewritten, tombstone, webhook
 * `artifact.deleted` with reason "expired"), each recorded in the audit trail as done by
 * `system:expiry`. Runs on many instances at once never take the same artifact (skip locked).
 */
export class Expiry {
  constructor(
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditAppend,
    private readonly settings: ExpirySettings = EXPIRY_DEFAULTS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(): Promise<ExpiryRunView> {
    const runId = randomUUID();
    const startedAt = this.now();
    const stopAt = startedAt.getTime() + this.settings.maxSeconds * 1000;
    const report: ExpiryRunView = {
      startedAt: startedAt.toISOString(),
      finishedAt: startedAt.toISOString(),
      deleted: 0,
      failed: 0,
      more: false,
      expired: [],
      failures: [],
    };
    const failed: string[] = [];
    for (;;) {
      if (report.deleted >= this.settings.maxPerRun || this.now().getTime() >= stopAt) {
        report.more = true;
        break;
      }
      let attempted: Artifact | null = null;
      let deleted: Artifact | null;
      try {
        deleted = await this.catalog.deleteNextExpired(this.now(), failed, async (artifact) => {
          attempted = artifact;
          await removeArtifact(this.storage, artifact);
        });
      } catch (error) {
        // The tombstone rolled back; the artifact is retried by the next run, not this one.
        const artifact = attempted as Artifact | null;
        if (!artifact) throw error;
        failed.push(artifact.id);
        report.failed += 1;
        report.failures.push({ artifactId: artifact.id, error: messageOf(error) });
        continue;
      }
      if (!deleted) break;
      report.deleted += 1;
      if (report.expired.length < MAX_LISTED) {
        report.expired.push({
          artifactId: deleted.id,
          ownerId: deleted.ownerId,
          expiresAt: deleted.expiresAt?.toISOString() ?? "",
        });
      }
      await this.recordAudit(deleted, runId);
    }
    report.finishedAt = this.now().toISOString();
    return report;
  }

  /** The delete has committed: a failed audit append is reported, not undone. */
  private async recordAudit(deleted: Artifact, runId: string): Promise<void> {
    try {
      await this.audit({
        at: deleted.updatedAt,
        actor: "system:expiry",
        action: "expireArtifact",
        artifactId: deleted.id,
        outcome: "allowed",
        status: 204,
        reason: "expired",
        requestId: runId,
      });
    } catch (error) {
      console.error(`[expiry] audit append failed for ${deleted.id}: ${messageOf(error)}`);
    }
  }
}
