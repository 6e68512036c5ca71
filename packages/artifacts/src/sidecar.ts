import { createHash } from "node:crypto";
import {
  type Artifact,
  artifactSidecarKey,
  canonicalJson,
  type Integrity,
  validateMetadata,
} from "@artifact-store/core";
import type { ObjectStorage } from "@artifact-store/storage";
import * as v from "valibot";
import {
  AnySidecar,
  SIDECAR_SCHEMA_VERSION,
  type SidecarRecordV4,
  type SidecarV2,
  type SidecarV3,
  type SidecarV4,
} from "./sidecar-formats";

/**
 * The durable copy of an artifact's record in the bucket, rewritten on every change, so the
 * catalogue can be rebuilt from storage alone. `contentSha256` is the SHA-256 of the canonical
 * JSON (keys sorted, no whitespace) of the sidecar without that field. Its format is its own
 * (see sidecar-formats.ts), not the API's.
 */
export type Sidecar = SidecarV4;

const contentHash = (content: object): string =>
  createHash("sha256").update(canonicalJson(content)).digest("hex");

const iso = (at: Date | null | undefined): string | null => at?.toISOString() ?? null;

const recordOf = (artifact: Artifact): SidecarRecordV4 => ({
  id: artifact.id,
  ownerId: artifact.ownerId,
  filename: artifact.filename,
  contentType: artifact.contentType,
  size: artifact.size,
  sha256: artifact.sha256,
  metadata: artifact.metadata,
  tags: artifact.tags,
  provenance: artifact.provenance && {
    ...artifact.provenance,
    fetchedAt: iso(artifact.provenance.fetchedAt),
  },
  visibility: artifact.visibility,
  state: artifact.state,
  version: artifact.version,
  createdAt: artifact.createdAt.toISOString(),
  updatedAt: artifact.updatedAt.toISOString(),
  uploadedAt: iso(artifact.uploadedAt),
  integrity: artifact.integrity
    ? {
        ...artifact.integrity,
        checkedAt: artifact.integrity.checkedAt.toISOString(),
        verifiedAt: iso(artifact.integrity.verifiedAt),
      }
    : null,
  expiresAt: iso(artifact.expiresAt),
  legalHold: artifact.legalHold
    ? { ...artifact.legalHold, setAt: artifact.legalHold.setAt.toISOString() }
    : null,
});

export const sidecarOf = (artifact: Artifact, deletedAt?: Date): Sidecar => {
  const content: Omit<Sidecar, "contentSha256"> = {
    schemaVersion: SIDECAR_SCHEMA_VERSION,
    objectKey: artifact.objectKey,
    etag: artifact.etag,
    version: artifact.version,
    artifact: recordOf(artifact),
    ...(deletedAt ? { deletedAt: deletedAt.toISOString() } : {}),
  };
  return { ...content, contentSha256: contentHash(content) };
};

export const writeSidecar = (storage: ObjectStorage, artifact: Artifact, deletedAt?: Date): Promise<void> =>
  storage.putJson(artifactSidecarKey(artifact.id), sidecarOf(artifact, deletedAt));

export type SidecarReading =
  | { ok: true; artifact: Artifact; deletedAt: Date | null }
  | { ok: false; reason: string };

const date = (value: string | null) => (value === null ? null : new Date(value));

/** Versions 3 and 4 hold the record alike; a version 3 check always compared with the uploader's SHA-256. */
const artifactOfV3 = ({ artifact: record, objectKey, etag, version }: SidecarV3 | SidecarV4): Artifact => ({
  ...record,
  objectKey,
  etag,
  version,
  provenance: record.provenance && { ...record.provenance, fetchedAt: date(record.provenance.fetchedAt) },
  createdAt: new Date(record.createdAt),
  updatedAt: new Date(record.updatedAt),
  uploadedAt: date(record.uploadedAt),
  integrity: record.integrity && {
    sha256Source: "uploader",
    ...record.integrity,
    reason: record.integrity.reason as Integrity["reason"],
    checkedAt: new Date(record.integrity.checkedAt),
    verifiedAt: date(record.integrity.verifiedAt),
  },
  expiresAt: date(record.expiresAt),
  legalHold: record.legalHold && { ...record.legalHold, setAt: new Date(record.legalHold.setAt) },
});

const artifactOfV2 = ({ artifact: view, objectKey, etag, version }: SidecarV2): Artifact => {
  const { integrity, legalHold, ...rest } = view;
  return {
    ...rest,
    objectKey,
    etag,
    version,
    provenance: view.provenance && { ...view.provenance, fetchedAt: date(view.provenance.fetchedAt) },
    createdAt: new Date(view.createdAt),
    updatedAt: new Date(view.updatedAt),
    uploadedAt: date(view.uploadedAt),
    // Written before verification existed: none; an unchecked one: null.
    integrity: integrity?.checkedAt
      ? {
          checkedAt: new Date(integrity.checkedAt),
          verifiedAt: date(integrity.verifiedAt),
          reason: integrity.reason as Integrity["reason"],
          details: integrity.details,
          sniffedType: integrity.sniffedType,
          contentTypeMismatch: integrity.contentTypeMismatch,
          sha256Source: "uploader",
        }
      : null,
    // Written before artifact lifecycle existed: neither.
    expiresAt: date(view.expiresAt ?? null),
    legalHold: legalHold
      ? { setBy: legalHold.setBy, setAt: new Date(legalHold.setAt), reason: legalHold.reason }
      : null,
  };
};

/** A sidecar's text, in any version written so far, back into the record it holds, if its hash matches. */
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
  const result = v.safeParse(AnySidecar, parsed);
  if (!result.success) return { ok: false, reason: "unexpected_shape" };
  const sidecar = result.output;
  // The bucket is not the API: a sidecar left there by hand may hold metadata the catalogue
  // (jsonb) cannot take, nested thousands deep or with a NUL, which no upload could have sent.
  try {
    validateMetadata(sidecar.artifact.metadata);
  } catch {
    return { ok: false, reason: "metadata_out_of_limits" };
  }
  return {
    ok: true,
    deletedAt: sidecar.deletedAt ? new Date(sidecar.deletedAt) : null,
    artifact: sidecar.schemaVersion === 2 ? artifactOfV2(sidecar) : artifactOfV3(sidecar),
  };
};
