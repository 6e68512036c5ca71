import type {
  Artifact,
  ArtifactState,
  ArtifactVersion,
  Integrity,
  LegalHold,
  Provenance,
  PartChecksumMode,
  Sha256Source,
  UploadMode,
  UploadSession,
  UploadState,
  Visibility,
} from "@artifact-store/core";
import { type Row, toDate, toJson, toNullableDate, toNullableNumber, toNullableText } from "./row-values";

/** Provenance columns back into one value; null when the uploader gave none. */
const provenanceFromRow = (row: Row): Provenance | null => {
  const headers = row.response_headers === undefined ? {} : toJson(row.response_headers);
  const provenance: Provenance = {
    sourceUrl: toNullableText(row.source_url),
    finalUrl: toNullableText(row.final_url),
    httpStatus: toNullableNumber(row.http_status),
    fetchedAt: toNullableDate(row.fetched_at),
    jobId: toNullableText(row.job_id),
    runId: toNullableText(row.run_id),
    userAgent: toNullableText(row.user_agent),
    headers: headers as Record<string, string>,
  };
  const { headers: _headers, ...fields } = provenance;
  return Object.values(fields).some((value) => value !== null) || Object.keys(headers).length > 0
    ? provenance
    : null;
};

/** The integrity column and verified_at back into one value; null until a verifier checked the bytes. */
const integrityFromRow = (row: Row): Integrity | null => {
  if (row.integrity === null || row.integrity === undefined) return null;
  const stored = toJson(row.integrity);
  return {
    checkedAt: toDate(stored.checkedAt),
    verifiedAt: toNullableDate(row.verified_at),
    reason: (stored.reason as Integrity["reason"]) ?? null,
    details: (stored.details as Record<string, unknown>) ?? {},
    sniffedType: toNullableText(stored.sniffedType),
    contentTypeMismatch: stored.contentTypeMismatch === true,
    // Checks recorded before uploads could go without a SHA-256 all compared with the uploader's.
    sha256Source: stored.sha256Source === "server" ? "server" : ("uploader" satisfies Sha256Source),
  };
};

/** The integrity column's content: all of Integrity but verifiedAt, which has a column of its own. */
export const integrityColumn = (integrity: Integrity | null | undefined): string | null =>
  integrity
    ? JSON.stringify({
        checkedAt: integrity.checkedAt.toISOString(),
        reason: integrity.reason,
        details: integrity.details,
        sniffedType: integrity.sniffedType,
        contentTypeMismatch: integrity.contentTypeMismatch,
        sha256Source: integrity.sha256Source,
      })
    : null;

/** The legal hold columns back into one value; null when no hold is on. */
const legalHoldFromRow = (row: Row): LegalHold | null =>
  row.legal_hold === true || row.legal_hold === "t"
    ? {
        setBy: toNullableText(row.legal_hold_by) ?? "unknown",
        setAt: toDate(row.legal_hold_at ?? row.updated_at),
        reason: toNullableText(row.legal_hold_reason),
      }
    : null;

export const artifactFromRow = (row: Row): Artifact => ({
  id: String(row.id),
  ownerId: String(row.owner_id),
  objectKey: String(row.object_key),
  filename: String(row.filename),
  contentType: String(row.content_type),
  size: Number(row.size),
  sha256: (row.sha256 as string | null) ?? null,
  metadata: toJson(row.metadata),
  tags: (row.tags as string[]) ?? [],
  provenance: provenanceFromRow(row),
  visibility: row.visibility as Visibility,
  state: row.state as ArtifactState,
  etag: (row.etag as string | null) ?? null,
  version: Number(row.version),
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
  uploadedAt: toNullableDate(row.uploaded_at),
  integrity: integrityFromRow(row),
  expiresAt: toNullableDate(row.expires_at),
  legalHold: legalHoldFromRow(row),
});

export const versionFromRow = (row: Row): ArtifactVersion => ({
  artifactId: String(row.artifact_id),
  version: Number(row.version),
  metadata: toJson(row.metadata),
  tags: (row.tags as string[]) ?? [],
  visibility: row.visibility as Visibility,
  replacedBy: String(row.changed_by),
  replacedAt: toDate(row.changed_at),
});

export const uploadFromRow = (row: Row): UploadSession => ({
  id: String(row.id),
  artifactId: String(row.artifact_id),
  ownerId: String(row.owner_id),
  objectKey: String(row.object_key),
  mode: row.mode as UploadMode,
  storageUploadId: (row.storage_upload_id as string | null) ?? null,
  completingEtag: (row.completing_etag as string | null) ?? null,
  partSize: Number(row.part_size),
  partCount: Number(row.part_count),
  size: Number(row.size),
  partChecksums: (row.part_checksums ?? "signed") as PartChecksumMode,
  state: row.state as UploadState,
  expiresAt: toDate(row.expires_at),
  createdAt: toDate(row.created_at),
  completedAt: toNullableDate(row.completed_at),
});
