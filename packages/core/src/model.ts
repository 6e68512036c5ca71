export type Visibility = "private" | "public";

/** pending (upload open) -> uploaded -> verified | corrupt; deleted is a tombstone. */
export type ArtifactState = "pending" | "uploaded" | "verified" | "corrupt" | "deleted";

export type UploadMode = "single" | "multipart";

/** An expired upload is an open one past its expiresAt: derived, never stored. */
export type UploadState = "open" | "completed" | "aborted";

export type Metadata = Record<string, unknown>;

/** What a crawler knew when it fetched the artifact; every field optional. */
export interface Provenance {
  sourceUrl: string | null;
  /** Where redirects ended. */
  finalUrl: string | null;
  httpStatus: number | null;
  fetchedAt: Date | null;
  jobId: string | null;
  runId: string | null;
  userAgent: string | null;
  /** Selected response headers, names lower-cased. */
  headers: Record<string, string>;
}

export interface Artifact {
  id: string;
  ownerId: string;
  objectKey: string;
  filename: string;
  contentType: string;
  size: number;
  /** Null while pending when the uploader declares it at completion. */
  sha256: string | null;
  metadata: Metadata;
  tags: string[];
  /** Null when the uploader gave none. */
  provenance: Provenance | null;
  visibility: Visibility;
  state: ArtifactState;
  etag: string | null;
  /** 1 at creation; each change of metadata, tags or visibility adds one. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  uploadedAt: Date | null;
  /** What the last check of the stored bytes found; absent or null until one ran. */
  integrity?: Integrity | null;
  /** When the expiry job deletes it (not while a legal hold is on); absent or null: kept. */
  expiresAt?: Date | null;
  /** Set by an admin: no one, and no expiry, may delete it until released; absent or null: none. */
  legalHold?: LegalHold | null;
}

/** Who put an artifact under legal hold, when, and why. */
export interface LegalHold {
  setBy: string;
  setAt: Date;
  reason: string | null;
}

/** Why an artifact's bytes are not the bytes its uploader declared. */
export type IntegrityReason =
  | "object_missing"
  | "size_mismatch"
  | "sha256_mismatch"
  | "content_type_mismatch";

/**
 * Who stated the SHA-256 an artifact records: its `uploader` (and the server's hash of the stored
 * bytes matched it), or the `server` alone, from the stored bytes of an upload opened with
 * partChecksums "none" and no SHA-256: then it proves only that the bytes have not changed since.
 */
export type Sha256Source = "uploader" | "server";

/**
 * How part URLs are signed: `signed` with each part's checksum where given (and required by
 * UPLOAD_REQUIRE_PART_CHECKSUMS), or, by the uploader's explicit choice, `none` (an uploader that
 * never sees a part's bytes before it signs, such as Uppy).
 */
export type PartChecksumMode = "signed" | "none";

/** The outcome of reading an artifact's object back from storage, hashing and sniffing it. */
export interface Integrity {
  checkedAt: Date;
  /** When the bytes last matched the declared size and SHA-256; null while they never did. */
  verifiedAt: Date | null;
  /** Why the artifact is corrupt; null when it is not. */
  reason: IntegrityReason | null;
  /** Expected and actual values behind the reason (sizes, hashes, types). */
  details: Record<string, unknown>;
  /** The type the first bytes show, when they show one the sniffer knows. */
  sniffedType: string | null;
  /** The sniffed type contradicts the declared content type (flagged, or the reason when rejected). */
  contentTypeMismatch: boolean;
  sha256Source: Sha256Source;
}

/** What an edit may change. */
export type EditableFields = Pick<Artifact, "metadata" | "tags" | "visibility">;

/** A state an artifact had, kept when a change replaced it: who replaced it, and when. */
export interface ArtifactVersion extends EditableFields {
  artifactId: string;
  version: number;
  replacedBy: string;
  replacedAt: Date;
}

export interface UploadSession {
  id: string;
  artifactId: string;
  ownerId: string;
  objectKey: string;
  mode: UploadMode;
  /** The storage's multipart upload id; null for a single presigned PUT. */
  storageUploadId: string | null;
  /**
   * The ETag the finished multipart object will have, recorded before storage is asked to
   * complete it; null until then (and for a single PUT).
   */
  completingEtag: string | null;
  partSize: number;
  partCount: number;
  size: number;
  partChecksums: PartChecksumMode;
  state: UploadState;
  expiresAt: Date;
  createdAt: Date;
  completedAt: Date | null;
}

export const isExpired = (upload: UploadSession, now: Date): boolean =>
  upload.state === "open" && upload.expiresAt.getTime() <= now.getTime();

/**
 * States whose bytes may be served: only bytes proven to be the declared ones. An uploaded
 * artifact waits for its verification; a corrupt one is quarantined.
 */
export const SERVABLE_STATES: readonly ArtifactState[] = ["verified"];

/** A read grant on one private artifact to one user, until it expires or is revoked. */
export interface Grant {
  artifactId: string;
  grantee: string;
  grantedBy: string;
  createdAt: Date;
  expiresAt: Date | null;
}

export interface ApiKeyRecord {
  id: string;
  /** The user id the key acts as. */
  subject: string;
  name: string;
  scopes: string[];
  secretHash: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}
