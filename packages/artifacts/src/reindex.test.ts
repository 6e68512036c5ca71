import { readFileSync } from "node:fs";
import type { Catalog } from "@artifact-store/catalog";
import type { Artifact } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import { describe, expect, it } from "vitest";
import { reindexFromStorage } from "./reindex";
import { readSidecar, sidecarOf } from "./sidecar";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const keyOf = (id: string) => `metadata/artifacts/${id}/metadata.json`;

/** A bucket of sidecars, and a catalogue that takes every record it is handed. */
const fakes = (objects: Record<string, string>) => {
  const restored: { artifact: Artifact; deletedAt: Date | null }[] = [];
  const storage = {
    listKeys: async (prefix: string) => ({
      keys: Object.keys(objects).filter((key) => key.startsWith(prefix)),
      next: undefined,
    }),
    getText: async (key: string) => objects[key] ?? null,
  } as unknown as ObjectStorage;
  const catalog = {
    restoreArtifact: async (artifact: Artifact, deletedAt: Date | null) => {
      restored.push({ artifact, deletedAt });
      return true;
    },
  } as unknown as Catalog;
  return { storage, catalog, restored };
};

describe("reindex from the bucket's sidecars", () => {
  it("rebuilds records from sidecars of the previous version and the current one alike", async () => {
    const previous = readSidecar(fixture("sidecar-v2-verified.json"));
    if (!previous.ok) throw new Error(previous.reason);
    const { id } = previous.artifact;
    // The same record under another id, written now.
    const other = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
    const { storage, catalog, restored } = fakes({
      [keyOf(id)]: fixture("sidecar-v2-verified.json"),
      [keyOf(other)]: JSON.stringify(sidecarOf({ ...previous.artifact, id: other })),
      // Not a sidecar's key: never read.
      "metadata/artifacts/not-an-id/metadata.json": fixture("sidecar-v3-verified.json"),
    });
    expect(await reindexFromStorage(storage, catalog)).toEqual({
      scanned: 2,
      restored: 2,
      unchanged: 0,
      skipped: [],
    });
    const byId = new Map(restored.map(({ artifact }) => [artifact.id, artifact]));
    expect(byId.get(id)).toEqual(previous.artifact);
    expect(byId.get(other)).toEqual({ ...previous.artifact, id: other });
  });

  it("skips a sidecar under another artifact's key", async () => {
    const key = keyOf("1b4e28ba-2fa1-41d2-883f-0016d3cca427");
    const { storage, catalog } = fakes({ [key]: fixture("sidecar-v3-deleted.json") });
    expect(await reindexFromStorage(storage, catalog)).toEqual({
      scanned: 1,
      restored: 0,
      unchanged: 0,
      skipped: [{ key, reason: "id_mismatch" }],
    });
  });
});
