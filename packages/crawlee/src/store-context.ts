import {
  type ArtifactStoreClient,
  type ArtifactView,
  ConflictError,
  NotFoundError,
  type SearchOptions,
  type UploadOptions,
} from "@artifact-store/client";
import { CRAWLEE_TAG, runScope, type StoreKind, storeTag } from "./naming";
import { currentProvenance } from "./provenance";

/** What every store client of one storage client shares. */
export interface StoreContext {
  sdk: ArtifactStoreClient;
  /** The API's base URL, for the download links `getPublicUrl` answers with. */
  baseUrl: string;
  runId: string;
  jobId: string | undefined;
  visibility: "private" | "public";
  /** Added to every artifact's tags. */
  tags: string[];
  /** What happens to a key's earlier value when a new one is written. */
  previousValues: "keep" | "delete";
  datasetBatch: { items: number; bytes: number };
  /** Set when verification runs off the request path: how long a read waits for it. */
  verifyWaitMs: number;
  /** This storage client, in the metadata of dataset batches: orders one writer's flushes. */
  writer: string;
}

/** The search that finds a store's artifacts: its tag, its exact name, and its run if it has one. */
export const storeQuery = (
  context: StoreContext,
  kind: StoreKind,
  name: string,
  identity: Record<string, unknown> = {},
): SearchOptions => {
  const runId = runScope(name, context.runId);
  return {
    tags: [storeTag(kind, name)],
    metadata: { crawlee: { kind, store: name, ...identity } },
    ...(runId ? { runId } : {}),
  };
};

/** This run and job, and now: the provenance of what no single request fetched (dataset batches). */
export const runProvenance = (context: StoreContext): NonNullable<UploadOptions["provenance"]> => ({
  fetchedAt: new Date(),
  runId: context.runId,
  ...(context.jobId ? { jobId: context.jobId } : {}),
});

/** A record's provenance: the request being handled (if any), this run and job. */
export const recordProvenance = (context: StoreContext): NonNullable<UploadOptions["provenance"]> => ({
  ...runProvenance(context),
  ...currentProvenance(),
  runId: context.runId,
  ...(context.jobId ? { jobId: context.jobId } : {}),
});

export const baseTags = (context: StoreContext, kind: StoreKind, name: string): string[] => [
  CRAWLEE_TAG,
  storeTag(kind, name),
  ...context.tags,
];

/**
 * An artifact's bytes. Large artifacts may be verified by a scheduled run after they are written;
 * a read that comes first waits for it, as the store serves verified bytes only.
 */
export const download = async (context: StoreContext, artifact: ArtifactView): Promise<Response> => {
  try {
    return await context.sdk.download(artifact.id);
  } catch (error) {
    if (!(error instanceof ConflictError) || error.code !== "artifact_not_verified") throw error;
    await context.sdk.waitUntilVerified(artifact.id, { timeoutMs: context.verifyWaitMs });
    return context.sdk.download(artifact.id);
  }
};

/** Deletes an artifact; one already gone is no failure. */
export const deleteQuietly = async (context: StoreContext, artifactId: string): Promise<void> => {
  try {
    await context.sdk.delete(artifactId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
};
