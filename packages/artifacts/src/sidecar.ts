import { createHash } from "node:crypto";
import { ArtifactView, artifactView, integrityOf, legalHoldOf } from "@artifact-store/api";
import { type Artifact, artifactSidecarKey, canonicalJson, validateMetadata } from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import * as v from "valibot";

/**
 * The durable copy of an artifact's record in the bucket, rewritten on every change, so the
 * catalogue can be rebuilt from storage alone. `contentSha256` is the SHA-256 of the canonical
 * JSON (keys sorted, no whitespace) of the sidecar without that field.
 */
export interface Sidecar {
  schemaVersion: 2;
  objectKey: string;
  etag: string | null;
  version: number;
  artifact: ArtifactView;
  deletedAt?: string;
  contentSha256: string;
}

const SidecarShape = v.object({
  schemaVersion: v.literal(2),
  objectKey: v.string(),
  etag: v.nullable(v.string()),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  artifact: ArtifactView,
  deletedAt: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  contentSha256: v.string(),
});

const contentHash = (content: object): string =>
  createHash("sha256").update(canonicalJson(content)).digest("hex");

export const sidecarOf = (artifact: Artifact, deletedAt?: Date): Sidecar => {
  const content: Omit<Sidecar, "contentSha256"> = {
    schemaVersion: 2,
    objectKey: artifact.objectKey,
    etag: artifact.etag,
    version: artifact.version,
    artifact: artifactView(artifact),
    ...(deletedAt ? { deletedAt: deletedAt.toISOString() } : {}),
  };
  return { ...content, contentSha256: contentHash(content) };
};

export const writeSidecar = (storage: ObjectStorage, artifact: Artifact, deletedAt?: Date): Promise<void> =>
  storage.putJson(artifactSidecarKey(artifact.id), sidecarOf(artifact, deletedAt));

export type SidecarReading =
  | { ok: true; artifact: Artifact; deletedAt: Date | null }
  | { ok: false; reason: string };

/** A sidecar's text back into the record it holds, if its hash matches its content. */
export const readSidecar = (text: string): SidecarReading => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not_json" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: "not_an_object" };
  }
  const { contentSha256, ...content } = parsed as Record<string, unknown>;
  if (typeof contentSha256 !== "string") return { ok: false, reason: "no_content_hash" };
  if (contentHash(content) !== contentSha256) {
    return { ok: false, reason: "hash_mismatch" };
  }
  const result = v.safeParse(SidecarShape, parsed);
  if (!result.success) return { ok: false, reason: "unexpected_shape" };
  const { artifact: view, objectKey, etag, version, deletedAt } = result.output;
  // The bucket is not the API: a sidecar left there by hand may hold metadata the catalogue
  // (jsonb) cannot take, nested thousands deep or with a NUL, which no upload could have sent.
  try {
    validateMetadata(view.metadata);
  } catch {
    return { ok: false, reason: "metadata_out_of_limits" };
  }
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    ok: true,
    deletedAt: deletedAt ? new Date(deletedAt) : null,
    artifact: {
      ...view,
      objectKey,
      etag,
      version,
      provenance: view.provenance && { ...view.provenance, fetchedAt: date(view.provenance.fetchedAt) },
      createdAt: new Date(view.createdAt),
      updatedAt: new Date(view.updatedAt),
      uploadedAt: date(view.uploadedAt),
      // Sidecars written before verification existed carry none.
      integrity: integrityOf(view.integrity),
      // Sidecars written before artifact lifecycle existed carry neither.
      expiresAt: date(view.expiresAt ?? null),
      legalHold: legalHoldOf(view.legalHold),
    },
  };
};
