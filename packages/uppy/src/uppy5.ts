import { type ArtifactStoreOptions, StoreUploads, type UppyFileLike, type UppyLike } from "./store-uploads";

/**
 * Options for `@uppy/aws-s3` 5.x (its custom functions): `uppy.use(AwsS3, artifactStoreS3v5(uppy, {
 * endpoint, token }))`. Uppy 5 hands each part's body to `signPart`, so every part URL is signed
 * with that part's MD5 (and SHA-256 where storage checks it) and storage refuses a body that
 * differs from what was hashed.
 */
export const artifactStoreS3v5 = (uppy: UppyLike, options: ArtifactStoreOptions) => {
  const store = new StoreUploads(uppy, options);
  const uploadOf = (file: { id: string }) => store.plan(file.id).uploadId;
  return {
    shouldUseMultipart: (file: { id: string }) => store.plan(file.id).mode === "multipart",
    getChunkSize: (data: { size: number }) => store.partSizeFor(data.size),
    async getUploadParameters(file: { id: string }) {
      const signed = await store.signPart(file.id, 1, store.file(file.id).data);
      return { method: "PUT" as const, url: signed.url, headers: signed.headers };
    },
    createMultipartUpload: async (file: { id: string }) => ({
      uploadId: uploadOf(file),
      key: uploadOf(file),
    }),
    async signPart(file: { id: string }, { partNumber, body }: { partNumber: number; body?: Blob }) {
      const signed = await store.signPart(file.id, partNumber, body);
      return { method: "PUT" as const, url: signed.url, headers: signed.headers };
    },
    async listParts(file: { id: string }) {
      const status = await store.api.status(uploadOf(file));
      return status.parts.map((part) => ({ PartNumber: part.partNumber, Size: part.size, ETag: part.etag }));
    },
    async completeMultipartUpload(
      file: { id: string },
      { parts }: { parts: { PartNumber?: number; ETag?: string }[] },
    ) {
      const seen = parts.map((part) => ({ partNumber: part.PartNumber ?? 0, etag: part.ETag ?? "" }));
      const artifact = await store.complete(file.id, seen);
      return { location: `${store.api.root}/v1/artifacts/${artifact.id}` };
    },
    abortMultipartUpload: async (file: { id: string }) => store.api.abort(uploadOf(file)),
  };
};

export type { ArtifactStoreOptions, UppyFileLike, UppyLike };
