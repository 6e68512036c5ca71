import { createHash } from "node:crypto";
import type { VerificationRun } from "@artifact-store/api";
import type { Catalog } from "@artifact-store/catalog";
import {
  type Artifact,
  type ArtifactState,
  type ContentTypeMismatchPolicy,
  canonicalMediaType,
  conflict,
  integrityVerdict,
  mediaTypeOf,
  messageOf,
  notFound,
  type ObservedBytes,
  unavailable,
} from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import { fileTypeFromBuffer, supportedMimeTypes } from "file-type/core";
import { writeSidecar } from "./sidecar";

export interface VerificationSettings {
  /** Complete-upload verifies objects up to this size before it answers; larger ones wait for a run. */
  inlineMaxBytes: number;
  /** Bytes one scheduled run reads at most (its first artifact is taken whatever its size). */
  runBudgetBytes: number;
  /** How long a run holds an artifact it claimed; the claims of a run that died expire then. */
  claimSeconds: number;
  /** A declared type the first bytes contradict: recorded only (flag), or the artifact is corrupt. */
  contentTypeMismatch: ContentTypeMismatchPolicy;
}

/**
 * Claims for one budgeted run: `claim(now, claimUntil, maxSize)` hands back the next artifact (or
 * null when none is left); the first is taken whatever its size, later ones only when they fit in
 * what is left of `budgetBytes`. Claims last `claimSeconds`, so a run that dies leaves nothing stuck.
 */
export async function* claimsWithinBudget(
  budgetBytes: number,
  claimSeconds: number,
  now: () => Date,
  claim: (now: Date, claimUntil: Date, maxSize: number | null) => Promise<Artifact | null>,
): AsyncGenerator<Artifact> {
  let budget = budgetBytes;
  for (let first = true; first || budget > 0; first = false) {
    const at = now();
    const claimed = await claim(at, new Date(at.getTime() + claimSeconds * 1000), first ? null : budget);
    if (!claimed) return;
    budget -= claimed.size;
    yield claimed;
  }
}

/** The states whose bytes are in storage, so can be (re-)verified. */
const CHECKABLE: readonly ArtifactState[] = ["uploaded", "verified", "corrupt"];

/** What file-type needs to recognise every format it knows. */
const SNIFF_BYTES = 4100;

/** The bytes of an object, read once: hashed as they stream by, the first few kept for sniffing. */
const readBack = async (
  storage: ObjectStorage,
  key: string,
): Promise<{ size: number; sha256: string; head: Buffer } | null> => {
  const object = await storage.readObject(key);
  if (!object) return null;
  const hash = createHash("sha256");
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  try {
    for await (const chunk of object.body) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      size += bytes.length;
      if (headLength < SNIFF_BYTES) {
        const kept = Buffer.from(bytes.subarray(0, SNIFF_BYTES - headLength));
        head.push(kept);
        headLength += kept.length;
      }
    }
  } catch (error) {
    object.body.destroy();
    throw unavailable("storage_unavailable", `Reading ${key} back from storage failed: ${messageOf(error)}`);
  }
  return { size, sha256: hash.digest("hex"), head: Buffer.concat(head) };
};

/**
 * Proves an artifact's stored bytes are the ones its uploader declared: reads the object back,
 * hashes it, sniffs its first bytes, and records verified or corrupt with the reason, rewriting
 * the sidecar in the same step.
 */
export class Verifier {
  constructor(
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    readonly settings: VerificationSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async verify(artifact: Artifact): Promise<Artifact> {
    const observed = await this.observe(artifact);
    const verdict = integrityVerdict(
      artifact,
      observed,
      this.settings.contentTypeMismatch,
      this.now(),
      artifact.integrity ?? null,
    );
    const recorded = await this.catalog.recordIntegrity(artifact.id, CHECKABLE, verdict, (updated) =>
      writeSidecar(this.storage, updated),
    );
    // Null: deleted while its bytes were read; the record as it is now says so.
    return recorded ?? (await this.catalog.findArtifact(artifact.id)) ?? artifact;
  }

  /**
   * Complete-upload's last step: a small object is verified before the uploader gets its answer.
   * A failure to read it back leaves it uploaded, for the scheduled run to retry.
   */
  async afterUpload(artifact: Artifact): Promise<Artifact> {
    if (artifact.state !== "uploaded" || artifact.size > this.settings.inlineMaxBytes) return artifact;
    try {
      return await this.verify(artifact);
    } catch {
      return artifact;
    }
  }

  /** Verifies one artifact again now, whatever it was found to be before (admin). */
  async reverify(artifactId: string): Promise<Artifact> {
    const artifact = await this.catalog.findArtifact(artifactId);
    if (!artifact) throw notFound("artifact", artifactId);
    if (!CHECKABLE.includes(artifact.state)) {
      throw conflict(
        "artifact_not_verifiable",
        `This artifact is ${artifact.state}: it has no bytes to verify.`,
        {
          state: artifact.state,
        },
      );
    }
    return this.verify(artifact);
  }

  /**
   * One scheduled run: claims uploaded artifacts oldest first and verifies them until the byte
   * budget is spent. Claims expire, so a run that dies part-way leaves nothing stuck, and runs on
   * many instances at once never take the same artifact.
   */
  async verifyPending(): Promise<VerificationRun> {
    const started = performance.now();
    const run: VerificationRun = { verified: 0, corrupt: 0, failed: 0, bytes: 0, ms: 0, failures: [] };
    const claims = claimsWithinBudget(
      this.settings.runBudgetBytes,
      this.settings.claimSeconds,
      this.now,
      (...args) => this.catalog.claimUnverified(...args),
    );
    for await (const claimed of claims) {
      run.bytes += claimed.size;
      try {
        const checked = await this.verify(claimed);
        if (checked.state === "corrupt") run.corrupt += 1;
        else if (checked.state === "verified") run.verified += 1;
      } catch (error) {
        await this.retryLater(claimed.id);
        run.failed += 1;
        run.failures.push({
          artifactId: claimed.id,
          error: messageOf(error),
        });
      }
    }
    run.ms = Math.round(performance.now() - started);
    return run;
  }

  /**
   * After a check that failed without a verdict (storage away): the artifact is held for a
   * backoff that grows with its failures in a row, so a later run retries it (the first within a
   * minute) while other artifacts go first. When even that cannot be recorded, the run's full
   * claim simply expires.
   */
  async retryLater(artifactId: string): Promise<void> {
    await this.catalog.releaseClaimAfterFailure(artifactId, this.now()).catch(() => null);
  }

  private async observe(artifact: Artifact): Promise<ObservedBytes | null> {
    const bytes = await readBack(this.storage, artifact.objectKey);
    if (!bytes) return null;
    const sniffed = bytes.head.length > 0 ? await fileTypeFromBuffer(bytes.head) : undefined;
    return {
      size: bytes.size,
      sha256: bytes.sha256,
      sniffedType: sniffed?.mime ?? null,
      declaredTypeSniffable: supportedMimeTypes.has(canonicalMediaType(mediaTypeOf(artifact.contentType))),
    };
  }
}
