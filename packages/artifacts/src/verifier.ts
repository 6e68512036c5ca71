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
import type { ObjectStorage, ObjectStream } from "@artifact-store/storage";
import { fileTypeFromBuffer, supportedMimeTypes } from "file-type/core";
import type { InlineVerification } from "./completion";
import { writeSidecar } from "./sidecar";

export interface VerificationSettings {
  /** Complete-upload verifies objects up to this size before it answers; larger ones are handed off. */
  inlineMaxBytes: number;
  /**
   * A completed object above `inlineMaxBytes` is handed to a verifier at once (the hand-off the
   * Verifier is given); false leaves it to the next scheduled run.
   */
  handOffAtOnce: boolean;
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

/**
 * Starts the verification of one completed artifact somewhere that outlives the caller's request:
 * in this process (`npm start`, the tests), or an asynchronous invoke of the verify-artifacts
 * function (deployed, where a Lambda freezes once it has answered). It only has to start it.
 */
export type VerificationHandoff = (artifactId: string) => Promise<void>;

/** What a hand-off by invoke sends the verify-artifacts function. */
export interface HandedOffVerification {
  verifyArtifact: string;
}

/** The artifact a verify-artifacts invocation was handed, or null for a scheduled run. */
export const handedOffArtifactOf = (event: unknown): string | null => {
  const id = typeof event === "object" && event !== null && (event as HandedOffVerification).verifyArtifact;
  return typeof id === "string" && id !== "" ? id : null;
};

/** The states whose bytes are in storage, so can be (re-)verified. */
const CHECKABLE: readonly ArtifactState[] = ["uploaded", "verified", "corrupt"];

/** What file-type needs to recognise every format it knows. */
const SNIFF_BYTES = 4100;

/** The bytes of an object, read once: hashed as they stream by, the first few kept for sniffing. */
const readThrough = async (
  object: ObjectStream,
  key: string,
): Promise<{ size: number; sha256: string; head: Buffer }> => {
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
  /** Verifications this process started in the background, so a shutdown can wait for them. */
  private readonly inBackground = new Set<Promise<unknown>>();
  private readonly handoff: VerificationHandoff;

  constructor(
    private readonly catalog: Catalog,
    private readonly storage: ObjectStorage,
    readonly settings: VerificationSettings,
    private readonly now: () => Date = () => new Date(),
    handoff?: VerificationHandoff,
  ) {
    this.handoff = handoff ?? (async (artifactId) => this.verifyInBackground(artifactId));
  }

  /** For a completion that reads a small object anyway: the verdict on the bytes it read. */
  get inline(): InlineVerification {
    return {
      maxBytes: this.settings.inlineMaxBytes,
      verdict: async (artifact, object) => this.verdictOn(artifact, await this.observe(artifact, object)),
    };
  }

  async verify(artifact: Artifact): Promise<Artifact> {
    const object = await this.storage.readObject(artifact.objectKey);
    const verdict = this.verdictOn(artifact, object && (await this.observe(artifact, object)));
    const recorded = await this.catalog.recordIntegrity(artifact.id, CHECKABLE, verdict, (updated) =>
      writeSidecar(this.storage, updated),
    );
    // Null: deleted while its bytes were read; the record as it is now says so.
    return recorded ?? (await this.catalog.findArtifact(artifact.id)) ?? artifact;
  }

  /**
   * Complete-upload's last step: a small object is verified before the uploader gets its answer; a
   * larger one is handed off to be verified at once, while the uploader hears it is uploaded. A
   * failure to read it back, or to hand it off, leaves it uploaded for the scheduled run.
   */
  async afterUpload(artifact: Artifact): Promise<Artifact> {
    if (artifact.state !== "uploaded") return artifact;
    if (artifact.size > this.settings.inlineMaxBytes) {
      if (this.settings.handOffAtOnce) await this.handoff(artifact.id).catch(() => undefined);
      return artifact;
    }
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
  verifyPending(): Promise<VerificationRun> {
    return this.verifyClaimed(
      claimsWithinBudget(this.settings.runBudgetBytes, this.settings.claimSeconds, this.now, (...args) =>
        this.catalog.claimUnverified(...args),
      ),
    );
  }

  /**
   * A hand-off: verifies this one artifact now, under a claim like a scheduled run's, so whichever
   * of the two (or of two hand-offs) claims it first reads it and the other finds nothing to do.
   */
  verifyHandedOff(artifactId: string): Promise<VerificationRun> {
    return this.verifyClaimed(this.claimOne(artifactId));
  }

  /** Resolves once the verifications this process started in the background have ended. */
  async settled(): Promise<void> {
    while (this.inBackground.size > 0) await Promise.allSettled([...this.inBackground]);
  }

  /** The in-process hand-off: the caller has its answer while this one reads the bytes. */
  private verifyInBackground(artifactId: string): void {
    const running: Promise<unknown> = this.verifyHandedOff(artifactId)
      // A failed check is already held for a retry; a failed claim leaves it to the schedule.
      .catch(() => null)
      .finally(() => this.inBackground.delete(running));
    this.inBackground.add(running);
  }

  private async *claimOne(artifactId: string): AsyncGenerator<Artifact> {
    const at = this.now();
    const claimUntil = new Date(at.getTime() + this.settings.claimSeconds * 1000);
    const claimed = await this.catalog.claimUnverifiedArtifact(artifactId, at, claimUntil);
    if (claimed) yield claimed;
  }

  private async verifyClaimed(claims: AsyncIterable<Artifact>): Promise<VerificationRun> {
    const started = performance.now();
    const run: VerificationRun = { verified: 0, corrupt: 0, failed: 0, bytes: 0, ms: 0, failures: [] };
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

  private verdictOn(artifact: Artifact, observed: ObservedBytes | null) {
    return integrityVerdict(
      artifact,
      observed,
      this.settings.contentTypeMismatch,
      this.now(),
      artifact.integrity ?? null,
    );
  }

  private async observe(artifact: Artifact, object: ObjectStream): Promise<ObservedBytes> {
    const bytes = await readThrough(object, artifact.objectKey);
    const sniffed = bytes.head.length > 0 ? await fileTypeFromBuffer(bytes.head) : undefined;
    return {
      size: bytes.size,
      sha256: bytes.sha256,
      sniffedType: sniffed?.mime ?? null,
      declaredTypeSniffable: supportedMimeTypes.has(canonicalMediaType(mediaTypeOf(artifact.contentType))),
    };
  }
}
