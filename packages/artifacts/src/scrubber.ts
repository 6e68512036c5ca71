import { randomUUID } from "node:crypto";
import type { IntegrityRecords } from "@artifact-store/catalog";
import type { IntegrityRun } from "@artifact-store/core";
import { messageOf } from "@artifact-store/core";
import { claimsWithinBudget, type Verifier } from "./verifier";

export interface ScrubSettings {
  /** Bytes one run reads at most (its first artifact is taken whatever its size). */
  budgetBytes: number;
  /** How long a run holds an artifact it claimed; the claims of a run that died expire then. */
  claimSeconds: number;
}

/**
 * Re-verifies verified artifacts, least recently verified first, within a byte budget per run:
 * finds objects gone missing, changed size or rotted, quarantines them (corrupt, with the reason)
 * and records a report. Each check moves the artifact to the back of the queue, so a run that is
 * cut off is resumed by the next one, and over successive runs every artifact gets its turn.
 */
export class Scrubber {
  constructor(
    private readonly records: IntegrityRecords,
    private readonly verifier: Verifier,
    private readonly settings: ScrubSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(): Promise<IntegrityRun> {
    const id = randomUUID();
    const startedAt = this.now();
    await this.records.startRun(id, "scrub", startedAt);
    const summary = {
      checked: 0,
      bytes: 0,
      verified: 0,
      corrupt: 0,
      failed: 0,
      budgetBytes: this.settings.budgetBytes,
    };
    const findings: Record<string, unknown>[] = [];
    // Only what was verified before this run began: nothing is checked twice in one run.
    const claims = claimsWithinBudget(
      this.settings.budgetBytes,
      this.settings.claimSeconds,
      this.now,
      (...args) => this.records.claimStale(startedAt, ...args),
    );
    for await (const artifact of claims) {
      summary.checked += 1;
      summary.bytes += artifact.size;
      try {
        const checked = await this.verifier.verify(artifact);
        if (checked.state === "corrupt") {
          summary.corrupt += 1;
          findings.push({
            kind: "corrupt",
            artifactId: artifact.id,
            objectKey: artifact.objectKey,
            reason: checked.integrity?.reason ?? null,
            details: checked.integrity?.details ?? {},
          });
        } else summary.verified += 1;
      } catch (error) {
        await this.verifier.retryLater(artifact.id);
        summary.failed += 1;
        findings.push({
          kind: "check_failed",
          artifactId: artifact.id,
          error: messageOf(error),
        });
      }
    }
    return this.records.finishRun(id, this.now(), summary, findings);
  }
}
