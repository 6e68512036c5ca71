import { type ArtifactStoreOptions, type SignedRequest, StoreUploads, type UppyLike } from "./store-uploads";

/** The request @uppy/aws-s3 6.x asks `signRequest` to sign (one raw S3 request each). */
export interface S3RequestToSign {
  method: string;
  key: string;
  uploadId?: string;
  partNumber?: number;
}

/**
 * Options for `@uppy/aws-s3` 6.x: `uppy.use(AwsS3, artifactStoreS3(uppy, { endpoint, token }))`.
 *
 * Uppy 6 signs raw S3 requests and sends them itself. The object key it asks for is the store's
 * upload id (the store derives the real key server-side). UploadPart and PutObject get the
 * store's presigned storage URLs, signed with the part's MD5 (and SHA-256 where storage checks
 * it): Uppy does not show the part, but it cuts the file where the store's plan says, so the
 * worker hashes the same bytes from the File. The control requests (create, list, complete) go
 * to the store's S3-dialect endpoints (/v1/uppy/uploads/...), with the bearer token in the
 * headers Uppy sends; abort is the store's own DELETE /v1/uploads/{id}.
 */
export const artifactStoreS3 = (uppy: UppyLike, options: ArtifactStoreOptions) => {
  const store = new StoreUploads(uppy, options);
  const dialect = (uploadId: string, rest = "") =>
    `${store.api.root}/v1/uppy/uploads/${encodeURIComponent(uploadId)}${rest}`;

  const signRequest = async (request: S3RequestToSign): Promise<SignedRequest> => {
    const uploadId = request.uploadId ?? request.key;
    const file = store.fileOfUpload(uploadId);
    const auth = await store.api.authorization();
    const method = request.method.toUpperCase();
    if (request.uploadId === undefined) {
      if (method === "PUT") return store.signPart(file.id, 1, file.data); // PutObject: the whole file
      if (method === "POST") return { url: dialect(uploadId), headers: auth }; // CreateMultipartUpload
    } else if (method === "PUT" && request.partNumber !== undefined) {
      store.prepare(file.id, request.partNumber + 1); // Uppy 6 sends parts one by one: hash the next meanwhile
      return store.signPart(file.id, request.partNumber);
    } else if (method === "GET") {
      return { url: dialect(uploadId, "/parts"), headers: auth }; // ListParts
    } else if (method === "POST") {
      const sha256 = await store.wholeSha256(file.id); // CompleteMultipartUpload
      return { url: dialect(uploadId, `/complete?sha256=${sha256}`), headers: auth };
    } else if (method === "DELETE") {
      return { url: `${store.api.root}/v1/uploads/${encodeURIComponent(uploadId)}`, headers: auth };
    }
    throw new Error(`@artifact-store/uppy cannot sign ${method} (uploadId ${request.uploadId ?? "none"}).`);
  };

  return {
    shouldUseMultipart: (file: { id: string }) => store.plan(file.id).mode === "multipart",
    getChunkSize: (file: { size: number }) => store.partSizeFor(file.size),
    generateObjectKey: (file: { id: string }) => store.plan(file.id).uploadId,
    signRequest,
  };
};
