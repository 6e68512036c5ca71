import { randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { BackupSnapshotView } from "@artifact-store/api";
import type { StoredSidecar } from "@artifact-store/artifacts";
import type { ObjectStorage } from "@artifact-store/storage";

/**
 * A snapshot in the backup bucket: `snapshots/<id>/manifest-<page>.jsonl.gz`, one artifact record
 * a line (the sidecar it would have, and where its bytes are in the content store), and
 * `snapshots/<id>/snapshot.json`, written last: a snapshot without it is still being taken.
 */
export interface ManifestEntry {
  /** As sidecarOf wrote it when the snapshot was taken: older snapshots hold older versions. */
  record: StoredSidecar;
  /** The content store key of its bytes; null for records without verified bytes. */
  content: string | null;
  /** Its grants to other users (absent in snapshots taken before grants were kept). */
  grants?: SnapshotGrant[];
}

export interface SnapshotGrant {
  grantee: string;
  grantedBy: string;
  createdAt: string;
  expiresAt: string | null;
}

const SNAPSHOTS = "snapshots/";
const SNAPSHOT_DIR = /^snapshots\/(\d{8}T\d{9}Z-[0-9a-f]{6})\//;

/**
 * Sorts by the time it was taken, to the millisecond (two snapshots a second apart must not tie
 * on their time and be ordered by the random suffix): 20261130T142937123Z-1a2b3c.
 */
export const newSnapshotId = (at: Date): string =>
  `${at.toISOString().replaceAll(/[-:.]/g, "")}-${randomBytes(3).toString("hex")}`;

const pageKey = (id: string, page: number) =>
  `${SNAPSHOTS}${id}/manifest-${String(page).padStart(6, "0")}.jsonl.gz`;
const summaryKey = (id: string) => `${SNAPSHOTS}${id}/snapshot.json`;

export const writeManifestPage = (
  backup: ObjectStorage,
  id: string,
  page: number,
  entries: readonly ManifestEntry[],
): Promise<void> =>
  backup.putBytes(
    pageKey(id, page),
    gzipSync(entries.map((entry) => `${JSON.stringify(entry)}\n`).join("")),
    "application/gzip",
  );

const keysUnder = async (backup: ObjectStorage, prefix: string): Promise<string[]> => {
  const keys: string[] = [];
  let next: string | undefined;
  do {
    const page = await backup.listKeys(prefix, next);
    keys.push(...page.keys);
    next = page.next;
  } while (next);
  return keys;
};

/** A snapshot's records, page by page in the order they were written. */
export async function* readManifest(backup: ObjectStorage, id: string): AsyncGenerator<ManifestEntry[]> {
  for (const key of await keysUnder(backup, `${SNAPSHOTS}${id}/manifest-`)) {
    const bytes = await backup.getBytes(key);
    if (!bytes) continue;
    yield gunzipSync(bytes)
      .toString("utf-8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as ManifestEntry);
  }
}

export const writeSummary = (backup: ObjectStorage, summary: BackupSnapshotView): Promise<void> =>
  backup.putJson(summaryKey(summary.id), summary);

export const readSummary = async (backup: ObjectStorage, id: string): Promise<BackupSnapshotView | null> => {
  const text = await backup.getText(summaryKey(id));
  return text === null ? null : (JSON.parse(text) as BackupSnapshotView);
};

/** Every snapshot id with anything in the bucket, finished or not. */
export const snapshotIds = async (backup: ObjectStorage): Promise<string[]> => {
  const ids = new Set<string>();
  for (const key of await keysUnder(backup, SNAPSHOTS)) {
    const id = SNAPSHOT_DIR.exec(key)?.[1];
    if (id) ids.add(id);
  }
  return [...ids].sort();
};

/** Finished snapshots, newest first. */
export const listSnapshots = async (backup: ObjectStorage): Promise<BackupSnapshotView[]> => {
  const summaries = await Promise.all((await snapshotIds(backup)).map((id) => readSummary(backup, id)));
  return summaries
    .filter((summary): summary is BackupSnapshotView => summary !== null)
    .sort((a, b) => b.id.localeCompare(a.id));
};

export const deleteSnapshot = async (backup: ObjectStorage, id: string): Promise<void> => {
  // The summary first: a half-deleted snapshot must not look finished.
  await backup.deleteObject(summaryKey(id));
  for (const key of await keysUnder(backup, `${SNAPSHOTS}${id}/`)) await backup.deleteObject(key);
};

export { keysUnder };
