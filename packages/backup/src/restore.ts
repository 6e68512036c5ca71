import type { RestoreReport, RestoreRequest } from "@artifact-store/api";
import { readSidecar, type Verifier, writeSidecar } from "@artifact-store/artifacts";
import type { Catalog, GrantRecords } from "@artifact-store/catalog";
import { type Artifact, invalid } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import pMap from "p-map";
import { ContentStore } from "./content-store";
import { type ManifestEntry, readManifest, readSummary, type SnapshotGrant } from "./snapshots";

const CONCURRENCY = 16;

export interface RestoreDeps {
  catalog: Catalog;
  grants: GrantRecords;
  live: ObjectStorage;
  backup: ObjectStorage;
  verifier: Verifier;
}

type Change = RestoreReport["changes"][number];

const selects = (request: RestoreRequest & object, entry: ManifestEntry): boolean => {
  const { artifact } = entry.record;
  if (request.owner !== undefined && artifact.ownerId !== request.owner) return false;
  if (request.ids && !request.ids.includes(artifact.id)) return false;
  return (request.tags ?? []).every((tag) => artifact.tags.includes(tag));
};

/**
 * Puts back the grants an artifact had, but none that has run out since: a restore brings back
 * who could read it, never more than that. Grants made since the snapshot are kept.
 */
const restoreGrants = async (grants: GrantRecords, artifactId: string, kept: readonly SnapshotGrant[]) => {
  const now = Date.now();
  for (const grant of kept) {
    const expiresAt = grant.expiresAt ? new Date(grant.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= now) continue;
    await grants.put({
      artifactId,
      grantee: grant.grantee,
      grantedBy: grant.grantedBy,
      createdAt: new Date(grant.createdAt),
      expiresAt,
    });
  }
};

/**
 * Restores the selected records of a snapshot: bytes copied back from the content store
 * (server-side) and read back to prove their SHA-256, records written to the catalogue and the
 * sidecars, with its grants. A record changed in the catalogue after the snapshot is kept unless
 * overwriteNewer.
 */
export const restoreSnapshot = async (
  deps: RestoreDeps,
  snapshotId: string,
  request: RestoreRequest & object,
): Promise<RestoreReport> => {
  if (!(await readSummary(deps.backup, snapshotId))) {
    throw invalid("snapshot_not_found", `No finished snapshot ${snapshotId} is in the backup bucket.`);
  }
  const dryRun = request.dryRun ?? false;
  const content = new ContentStore(deps.live, deps.backup);
  const report: RestoreReport = {
    snapshotId,
    dryRun,
    selected: 0,
    restored: 0,
    copied: 0,
    copiedBytes: 0,
    mismatched: [],
    changes: [],
  };

  const restoreOne = async (entry: ManifestEntry): Promise<Change> => {
    const reading = readSidecar(JSON.stringify(entry.record));
    if (!reading.ok)
      throw invalid("snapshot_damaged", `Snapshot record ${entry.record.artifact.id}: ${reading.reason}`);
    const recorded = reading.artifact;
    const current = await deps.catalog.findArtifact(recorded.id);
    const change: Change = {
      id: recorded.id,
      ownerId: recorded.ownerId,
      filename: recorded.filename,
      action: !current
        ? "create"
        : current.updatedAt > recorded.updatedAt && !request.overwriteNewer
          ? "keep_newer"
          : "replace",
    };
    if (dryRun || change.action === "keep_newer") return change;

    // Replacing a newer record is a change of its own: its version moves on, never back.
    let artifact: Artifact =
      current && current.version > recorded.version
        ? { ...recorded, version: current.version + 1 }
        : recorded;
    if (entry.content) {
      artifact = { ...artifact, etag: (await content.restore(artifact, entry.content)) || artifact.etag };
      report.copied += 1;
      report.copiedBytes += artifact.size;
    }
    await deps.catalog.restoreArtifact(artifact, reading.deletedAt);
    await restoreGrants(deps.grants, artifact.id, entry.grants ?? []);
    report.restored += 1;
    if (entry.content) {
      const checked = await deps.verifier.verify(artifact);
      if (checked.state !== "verified") report.mismatched.push(artifact.id);
    } else {
      await writeSidecar(deps.live, artifact, reading.deletedAt ?? undefined);
    }
    return change;
  };

  for await (const entries of readManifest(deps.backup, snapshotId)) {
    const selected = entries.filter((entry) => selects(request, entry));
    report.selected += selected.length;
    report.changes.push(...(await pMap(selected, restoreOne, { concurrency: CONCURRENCY })));
  }
  return report;
};
