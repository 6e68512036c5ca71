import { defineRoute, error, errors, withShared } from "../common/routes";
import { UploadParams } from "../uploads/schemas";
import { UppyCompleteQuery } from "./schemas";

// The S3 dialect @uppy/aws-s3 6.x speaks for the control requests of a multipart upload, over an
// upload the JSON API opened: Uppy's signRequest points CreateMultipartUpload, ListParts and
// CompleteMultipartUpload here (with the bearer token in the headers it sends), and parses XML.

/* @__NO_SIDE_EFFECTS__ */
function xml(description: string) {
  return { description: `${description} (S3 XML)` };
}

export const uppyCreateMultipartUpload = defineRoute({
  operationId: "uppyCreateMultipartUpload",
  method: "post",
  path: "/v1/uppy/uploads/:uploadId",
  summary: "S3 CreateMultipartUpload for Uppy 6: answers the id of a multipart upload the caller opened",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: UploadParams,
  responses: withShared(
    {
      200: xml("InitiateMultipartUploadResult"),
      409: error("Upload no longer open, or not multipart"),
      410: error("Upload expired"),
    },
    errors,
  ),
});

export const uppyListParts = defineRoute({
  operationId: "uppyListParts",
  method: "get",
  path: "/v1/uppy/uploads/:uploadId/parts",
  summary: "S3 ListParts for Uppy 6: the parts storage already holds",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: UploadParams,
  responses: withShared({ 200: xml("ListPartsResult") }, errors),
});

export const uppyCompleteUpload = defineRoute({
  operationId: "uppyCompleteUpload",
  method: "post",
  path: "/v1/uppy/uploads/:uploadId/complete",
  summary:
    "S3 CompleteMultipartUpload for Uppy 6: its XML body names the parts; completes only if storage holds exactly those",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: UploadParams,
  query: UppyCompleteQuery,
  responses: withShared(
    {
      200: xml("CompleteMultipartUploadResult"),
      409: error("Parts missing, sizes wrong, or upload aborted"),
      410: error("Upload expired"),
    },
    errors,
  ),
});
