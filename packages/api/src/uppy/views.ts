import type { Artifact, UploadProgress } from "@artifact-store/core";

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );

const element = (name: string, value: string | number): string =>
  `<${name}>${escapeXml(String(value))}</${name}>`;

const document = (root: string, children: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${children}</${root}>`;

/** The upload id stands in for both Key and UploadId: the store derives the real key server-side. */
export const initiateMultipartUploadXml = (uploadId: string): string =>
  document("InitiateMultipartUploadResult", element("Key", uploadId) + element("UploadId", uploadId));

export const listPartsXml = ({ upload, parts }: UploadProgress): string =>
  document(
    "ListPartsResult",
    element("Key", upload.id) +
      element("UploadId", upload.id) +
      parts
        .map(
          (part) =>
            `<Part>${element("PartNumber", part.partNumber)}${element("ETag", part.etag)}${element("Size", part.size)}</Part>`,
        )
        .join(""),
  );

/** Location is the artifact's API address (its bytes are fetched through a download link). */
export const completeMultipartUploadXml = (uploadId: string, artifact: Artifact, apiOrigin: string): string =>
  document(
    "CompleteMultipartUploadResult",
    element("Location", `${apiOrigin}/v1/artifacts/${artifact.id}`) +
      element("Key", uploadId) +
      element("ETag", artifact.etag ?? ""),
  );
