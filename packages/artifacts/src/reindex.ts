import type { ReindexReport } from "@artifact-store/api";
import type { Catalog } from "@artifact-store/catalog";
import type { ObjectStorage } from "@artifact-store/storage";
import { readSidecar } from "./sidecar";

const SIDECARS = "metadata/artifacts/";
const SIDECAR_KEY = /^metadata\/artifacts\/([0-9a-f-]{36})\/metadata\.json$/;
/** Sidecars read and written at once: enough to hide storage latency, few enough for a small pool. */
const CONCURRENCY = 8;

type Outcome = "restored" | "unchanged" | { skipped: string };

const restoreOne = async (
  storage: ObjectStorage,
  catalog: Catalog,
  key: string,
  id: string,
): Promise<Outcome> => {
  const text = await storage.getText(key);
  if (text === null) return { skipped: "vanished" };
  const reading = readSidecar(text);
  if (!reading.ok) return { skipped: reading.reason };
  if (reading.artifact.id !== id) return { skipped: "id_mismatch" };
  return (await catalog.restoreArtifact(reading.artifact, reading.deletedAt)) ? "restored" : "unchanged";
};

/**
 * Rebuilds the catalogue's artifact records from the sidecars in the bucket alone: every
 * sidecar whose content hash matches is upserted (a row newer than its sidecar is kept); the
 * rest are skipped and reported. Grants, upload sessions and history live only in the
 * catalogue and are not rebuilt.
 */
export const reindexFromStorage = async (
  storage: ObjectStorage,
  catalog: Catalog,
): Promise<ReindexReport> => {
  const report: ReindexReport = { scanned: 0, restored: 0, unchanged: 0, skipped: [] };
  let next: string | undefined;
  do {
    const page = await storage.listKeys(SIDECARS, next);
    next = page.next;
    const sidecars = page.keys.flatMap((key) => {
      const id = SIDECAR_KEY.exec(key)?.[1];
      return id ? [{ key, id }] : [];
    });
    for (let start = 0; start < sidecars.length; start += CONCURRENCY) {
      const batch = sidecars.slice(start, start + CONCURRENCY);
      const outcomes = await Promise.all(batch.map(({ key, id }) => restoreOne(storage, catalog, key, id)));
      outcomes.forEach((outcome, index) => {
        report.scanned += 1;
        if (outcome === "restored") report.restored += 1;
        else if (outcome === "unchanged") report.unchanged += 1;
        else report.skipped.push({ key: batch[index]?.key ?? "", reason: outcome.skipped });
      });
    }
  } while (next);
  return report;
};
