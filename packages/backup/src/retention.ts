import type { ObjectStorage } from "@artifact-store/storage";
import { CONTENT_PREFIX } from "./content-store";
import { deleteSnapshot, keysUnder, listSnapshots, readManifest, snapshotIds } from "./snapshots";

export interface RetentionSettings {
  /** The newest snapshot of each of this many most recent days is kept. */
  keepDaily: number;
  /** The newest snapshot of each of this many most recent weeks (Monday to Sunday, UTC) is kept. */
  keepWeekly: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const dayOf = (id: string): string => id.slice(0, 8);

/** Days since 1970-01-05, the first Monday after the epoch, divided into weeks. */
const weekOf = (id: string): number => {
  const day = Date.UTC(Number(id.slice(0, 4)), Number(id.slice(4, 6)) - 1, Number(id.slice(6, 8)));
  return Math.floor((day / DAY_MS - 4) / 7);
};

/** Which snapshots (ids) retention keeps: the newest always, and the newest per recent day and week. */
export const snapshotsToKeep = (ids: readonly string[], settings: RetentionSettings): Set<string> => {
  const newestFirst = [...ids].sort().reverse();
  const kept = new Set<string>(newestFirst.slice(0, 1));
  const days = new Set<string>();
  const weeks = new Set<number>();
  for (const id of newestFirst) {
    if (!days.has(dayOf(id)) && days.size < settings.keepDaily) {
      days.add(dayOf(id));
      kept.add(id);
    }
    if (!weeks.has(weekOf(id)) && weeks.size < settings.keepWeekly) {
      weeks.add(weekOf(id));
      kept.add(id);
    }
  }
  return kept;
};

/**
 * Deletes finished snapshots retention does not keep, then content no remaining snapshot refers
 * to (mark and sweep). Unfinished snapshots count as kept: a run in progress refers to its content.
 */
export const prune = async (
  backup: ObjectStorage,
  settings: RetentionSettings,
): Promise<{ snapshots: string[]; contentObjects: number }> => {
  const finished = (await listSnapshots(backup)).map((snapshot) => snapshot.id);
  const kept = snapshotsToKeep(finished, settings);
  const dropped = finished.filter((id) => !kept.has(id));
  for (const id of dropped) await deleteSnapshot(backup, id);

  const referenced = new Set<string>();
  for (const id of await snapshotIds(backup)) {
    for await (const entries of readManifest(backup, id)) {
      for (const entry of entries) if (entry.content) referenced.add(entry.content);
    }
  }
  let contentObjects = 0;
  for (const key of await keysUnder(backup, CONTENT_PREFIX)) {
    if (referenced.has(key)) continue;
    await backup.deleteObject(key);
    contentObjects += 1;
  }
  return { snapshots: dropped.sort().reverse(), contentObjects };
};
