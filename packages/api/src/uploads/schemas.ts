import { CONTENT_TYPE, MD5_BASE64, SHA256_BASE64 } from "@artifact-store/core";
import * as v from "valibot";
import { ArtifactView, ProvenanceBody } from "../artifacts/schemas";
import { ErrorBody, Id, IsoTime, MetadataObject, Sha256, Visibility } from "../common/schemas";

export const UploadParams = v.strictObject({ uploadId: Id });

const ByteCount = v.pipe(v.number(), v.safeInteger("must be a whole number of bytes"), v.minValue(0));
const ByteCountText = v.pipe(
  v.string(),
  v.regex(/^\d{1,16}$/, "must be a whole number of bytes"),
  v.toNumber(),
  v.safeInteger(),
);

/** GET /v1/uploads/plan: the size to plan for, and the choices POST /v1/uploads would be given. */
export const UploadPlanQuery = v.strictObject({
  size: ByteCountText,
  partSize: v.optional(ByteCountText),
  multipart: v.optional(
    v.pipe(
      v.picklist(["true", "false"]),
      v.transform((text) => text === "true"),
    ),
  ),
});

export const PartNumber = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000));

/** Base64 of a 16-byte MD5 digest, as the Content-MD5 header carries it. */
const Md5Base64 = v.pipe(v.string(), v.regex(MD5_BASE64, "must be the base64 of a 16-byte MD5 digest"));
const Sha256Base64 = v.pipe(
  v.string(),
  v.regex(SHA256_BASE64, "must be the base64 of a 32-byte SHA-256 digest"),
);

/** One part's checksums, computed by the uploader from the bytes it will send. */
export const PartChecksumBody = v.strictObject({
  partNumber: PartNumber,
  md5: Md5Base64,
  /** Signed as x-amz-checksum-sha256 where storage verifies it (see `checksums` in the upload). */
  sha256: v.optional(Sha256Base64),
});

const PartChecksumList = v.pipe(
  v.array(PartChecksumBody),
  v.minLength(1),
  v.maxLength(1000),
  v.check(
    (parts) => new Set(parts.map((part) => part.partNumber)).size === parts.length,
    "must name each part once",
  ),
);

export const CreateUploadBody = v.strictObject({
  filename: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  contentType: v.pipe(
    v.string(),
    v.maxLength(255),
    v.regex(CONTENT_TYPE, "must be a media type such as text/html"),
  ),
  size: ByteCount,
  /** Declared here, or at completion when the uploader hashes while it uploads. */
  sha256: v.optional(Sha256),
  metadata: v.optional(MetadataObject),
  tags: v.optional(v.array(v.pipe(v.string(), v.maxLength(128)))),
  visibility: v.optional(Visibility),
  provenance: v.optional(ProvenanceBody),
  /**
   * With a declared sha256, an artifact of the caller's with the same SHA-256 and size that is
   * uploaded or verified is answered instead of opening an upload; false always opens a new one.
   */
  dedupe: v.optional(v.boolean()),
  /**
   * Content-MD5 (base64) of the whole content: signed into the PUT URL when the upload turns out
   * to be a single PUT, so it needs no second call; unused for multipart uploads.
   */
  md5: v.optional(Md5Base64),
  /** Checksums of the parts to sign URLs for in the answer (when the caller knows the part size). */
  parts: v.optional(PartChecksumList),
  /** When the artifact is to be deleted: in the future, at most 10 years ahead. */
  expiresAt: v.optional(IsoTime),
  /**
   * The uploader's own part size, for one that slices its file before it opens the upload (Uppy):
   * 5 MiB..5 GiB and at most 10,000 parts for the size (GET /v1/uploads/plan tells the bounds).
   * Implies multipart; every part URL, its signed Content-Length and the completion follow it.
   */
  partSize: v.optional(ByteCount),
  /** One presigned PUT (false, up to 5 GiB) or multipart (true), instead of the server's threshold. */
  multipart: v.optional(v.boolean()),
  /**
   * "none": part URLs signed without any checksum, for a multipart uploader that signs a part
   * before it can see its bytes (a single PUT is refused). Only by this choice, never by omission: "signed" (the default) keeps
   * UPLOAD_REQUIRE_PART_CHECKSUMS. The artifact is served only once the verifier has hashed the
   * stored bytes; a declared sha256 must match them (else corrupt). Where the operator requires
   * part checksums the sha256 must still be declared (here or at completion); where not, it may
   * be left to the server (integrity.sha256Source "server").
   */
  partChecksums: v.optional(v.picklist(["signed", "none"])),
});
export type CreateUploadInput = v.InferOutput<typeof CreateUploadBody>;

/** A part the uploader sent, with the ETag storage answered its PUT with (quoted or not). */
export const CompletedPart = v.strictObject({
  partNumber: PartNumber,
  etag: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
});

/** The parts the uploader believes it sent: checked against storage's, never used instead of them. */
const CompletedPartList = v.pipe(
  v.array(CompletedPart),
  v.minLength(1),
  v.maxLength(10_000),
  v.check(
    (parts) => new Set(parts.map((part) => part.partNumber)).size === parts.length,
    "must name each part once",
  ),
);

export const CompleteUploadBody = v.optional(
  v.strictObject({
    sha256: v.optional(Sha256),
    /**
     * The parts as the uploader saw them (S3 clients such as Uppy send them): completion refuses
     * with 409 parts_mismatch unless storage holds exactly these, with these ETags.
     */
    parts: v.optional(CompletedPartList),
  }),
);

/** `parts` with checksums; `partNumbers` alone only where part checksums are not required. */
export const SignPartsBody = v.pipe(
  v.strictObject({
    parts: v.optional(PartChecksumList),
    partNumbers: v.optional(v.pipe(v.array(PartNumber), v.minLength(1), v.maxLength(1000))),
  }),
  v.check(
    (body) => (body.parts === undefined) !== (body.partNumbers === undefined),
    "must give either parts (with checksums) or partNumbers",
  ),
);
export type SignPartsInput = v.InferOutput<typeof SignPartsBody>;

/**
 * The checksums storage verifies for each part (and single PUT) when they are signed into its
 * URL: always md5 (sent as Content-MD5), sha256 too where storage is configured for it. When
 * `required`, URLs are only signed for parts whose checksums are given.
 */
export const UploadChecksums = v.object({
  algorithms: v.array(v.picklist(["md5", "sha256"])),
  required: v.boolean(),
});
export type UploadChecksums = v.InferOutput<typeof UploadChecksums>;

/**
 * The plan POST /v1/uploads would make for this size (and choice), with the limits every plan
 * keeps to, so an uploader can slice its file before it opens the upload.
 */
export const UploadPlanView = v.object({
  size: v.number(),
  mode: v.picklist(["single", "multipart"]),
  /** Every part is this size but the last, which holds the rest (a single PUT: the size). */
  partSize: v.number(),
  partCount: v.number(),
  /** Below this the server chooses one PUT, at or above it multipart (unless `multipart` is given). */
  singleUploadThreshold: v.number(),
  /** The part size the server chooses when none is given, grown to keep within maxParts. */
  preferredPartSize: v.number(),
  minPartSize: v.number(),
  maxPartSize: v.number(),
  maxParts: v.number(),
  maxObjectSize: v.number(),
  maxSinglePutSize: v.number(),
  checksums: UploadChecksums,
});
export type UploadPlanView = v.InferOutput<typeof UploadPlanView>;

export const PresignedPart = v.object({
  partNumber: v.number(),
  url: v.string(),
  method: v.literal("PUT"),
  /** Send exactly these with the bytes: content-type, content-md5 ... are signed into the URL. */
  headers: v.record(v.string(), v.string()),
});
export type PresignedPart = v.InferOutput<typeof PresignedPart>;

export const UploadCreated = v.object({
  deduplicated: v.literal(false),
  uploadId: Id,
  artifactId: Id,
  mode: v.picklist(["single", "multipart"]),
  partSize: v.number(),
  partCount: v.number(),
  checksums: UploadChecksums,
  /** URLs for the first parts, or only for those whose checksums were given when they are required. */
  parts: v.array(PresignedPart),
  expiresAt: v.string(),
});
export type UploadCreated = v.InferOutput<typeof UploadCreated>;

export const SignedParts = v.object({ uploadId: Id, parts: v.array(PresignedPart), expiresAt: v.string() });
export type SignedParts = v.InferOutput<typeof SignedParts>;

export const UploadStatus = v.object({
  uploadId: Id,
  artifactId: Id,
  state: v.picklist(["open", "completed", "aborted", "expired"]),
  mode: v.picklist(["single", "multipart"]),
  size: v.number(),
  partSize: v.number(),
  partCount: v.number(),
  checksums: UploadChecksums,
  expiresAt: v.string(),
  parts: v.array(v.object({ partNumber: v.number(), size: v.number(), etag: v.string() })),
});
export type UploadStatus = v.InferOutput<typeof UploadStatus>;

/** The answer to an upload whose content the caller already holds: nothing to send. */
export const UploadDeduplicated = v.object({
  deduplicated: v.literal(true),
  artifactId: Id,
  artifact: ArtifactView,
});
export type UploadDeduplicated = v.InferOutput<typeof UploadDeduplicated>;

/** The most uploads one batch call opens or completes. */
export const UPLOAD_BATCH_MAX = 100;

/**
 * Items are checked one by one (each as CreateUploadBody or one complete-upload item), so one
 * invalid item fails alone with its own error while the others go ahead.
 */
const BatchItems = v.pipe(
  v.array(v.record(v.string(), v.unknown())),
  v.minLength(1),
  v.maxLength(UPLOAD_BATCH_MAX, `must hold at most ${UPLOAD_BATCH_MAX} items`),
);

/** Up to 100 uploads to open, each shaped as the body of POST /v1/uploads. */
export const CreateUploadBatchBody = v.strictObject({ uploads: BatchItems });

/** One upload to complete in a batch: its id and, unless declared at creation, its SHA-256. */
export const CompleteUploadItem = v.strictObject({
  uploadId: Id,
  sha256: v.optional(Sha256),
  parts: v.optional(CompletedPartList),
});
export type CompleteUploadItem = v.InferOutput<typeof CompleteUploadItem>;

/** Up to 100 uploads to complete, each `{ uploadId, sha256?, parts? }`. */
export const CompleteUploadBatchBody = v.strictObject({ uploads: BatchItems });

/** An item that failed: the status and error body its own single call would have answered. */
const BatchItemFailure = v.object({
  index: v.number(),
  ok: v.literal(false),
  status: v.number(),
  error: ErrorBody.entries.error,
});

/** Results in the order of the items: 201 opened, 200 deduplicated, or the item's own error. */
export const UploadBatchOpened = v.object({
  results: v.array(
    v.union([
      v.object({
        index: v.number(),
        ok: v.literal(true),
        status: v.number(),
        upload: v.union([UploadCreated, UploadDeduplicated]),
      }),
      BatchItemFailure,
    ]),
  ),
});
export type UploadBatchOpened = v.InferOutput<typeof UploadBatchOpened>;

/** Results in the order of the items: the recorded artifact, or the item's own error. */
export const UploadBatchCompleted = v.object({
  results: v.array(
    v.union([
      v.object({ index: v.number(), ok: v.literal(true), status: v.number(), artifact: ArtifactView }),
      BatchItemFailure,
    ]),
  ),
});
export type UploadBatchCompleted = v.InferOutput<typeof UploadBatchCompleted>;
