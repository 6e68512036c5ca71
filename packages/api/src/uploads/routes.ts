import { ArtifactView } from "../artifacts/schemas";
import { defineRoute, error, errors, limited, withShared } from "../common/routes";
import {
  CompleteUploadBatchBody,
  CompleteUploadBody,
  CreateUploadBatchBody,
  CreateUploadBody,
  SignedParts,
  SignPartsBody,
  UploadBatchCompleted,
  UploadBatchOpened,
  UploadCreated,
  UploadDeduplicated,
  UploadParams,
  UploadPlanQuery,
  UploadPlanView,
  UploadStatus,
} from "./schemas";

/**
 * Its own read, not a field of an existing answer: the plan depends on the size (parts grow to
 * keep within 10,000), and an uploader that slices before it opens (Uppy) needs it before any
 * upload exists. It has no side effects and signs nothing, so it is not rate limited.
 */
export const planUpload = defineRoute({
  operationId: "planUpload",
  method: "get",
  path: "/v1/uploads/plan",
  summary: "The part size, mode and limits an upload of this size would get, before opening it",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  query: UploadPlanQuery,
  responses: withShared(
    {
      200: { description: "The plan, and the limits any plan keeps to", schema: UploadPlanView },
      413: error("Size over the limit"),
    },
    errors,
  ),
});

export const createUpload = defineRoute({
  operationId: "createUpload",
  method: "post",
  path: "/v1/uploads",
  summary: "Open an upload and get presigned URLs to send its bytes straight to storage",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  rateLimited: true,
  body: CreateUploadBody,
  responses: withShared(
    {
      200: {
        description: "Deduplicated: the caller already holds this content; nothing to upload",
        schema: UploadDeduplicated,
      },
      201: { description: "Upload opened", schema: UploadCreated },
      400: errors[400],
      401: errors[401],
      403: errors[403],
      413: error("Declared size over the limit"),
    },
    limited,
  ),
});

export const signUploadParts = defineRoute({
  operationId: "signUploadParts",
  method: "post",
  path: "/v1/uploads/:uploadId/parts",
  summary: "Sign (or re-sign) part URLs of an open upload",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  rateLimited: true,
  params: UploadParams,
  body: SignPartsBody,
  responses: withShared(
    {
      200: { description: "Fresh part URLs", schema: SignedParts },
      409: error("Upload no longer open"),
      410: error("Upload expired"),
    },
    errors,
    limited,
  ),
});

export const getUpload = defineRoute({
  operationId: "getUpload",
  method: "get",
  path: "/v1/uploads/:uploadId",
  summary: "State of an upload and the parts storage already holds",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: UploadParams,
  responses: withShared({ 200: { description: "Upload status", schema: UploadStatus } }, errors),
});

export const completeUpload = defineRoute({
  operationId: "completeUpload",
  method: "post",
  path: "/v1/uploads/:uploadId/complete",
  summary: "Complete an upload from the parts storage holds and record the artifact",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: UploadParams,
  body: CompleteUploadBody,
  responses: withShared(
    {
      200: { description: "The recorded artifact", schema: ArtifactView },
      409: error("Parts missing, sizes wrong, or upload aborted"),
      410: error("Upload expired"),
    },
    errors,
  ),
});

export const abortUpload = defineRoute({
  operationId: "abortUpload",
  method: "delete",
  path: "/v1/uploads/:uploadId",
  summary: "Abort an open upload and free its parts in storage",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  params: UploadParams,
  responses: withShared({ 204: { description: "Aborted" }, 409: error("Upload already completed") }, errors),
});

export const createUploadBatch = defineRoute({
  operationId: "createUploadBatch",
  method: "post",
  path: "/v1/uploads/batch",
  summary: "Open up to 100 uploads in one call, each with its own URL(s) or its own error",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  rateLimited: true,
  rateWeight: (body: { uploads: readonly unknown[] }) => body.uploads.length,
  body: CreateUploadBatchBody,
  responses: withShared(
    { 200: { description: "One result per item, in order", schema: UploadBatchOpened } },
    errors,
    limited,
  ),
});

export const completeUploadBatch = defineRoute({
  operationId: "completeUploadBatch",
  method: "post",
  path: "/v1/uploads/complete",
  summary: "Complete up to 100 uploads in one call, each with its own artifact or its own error",
  tag: "uploads",
  auth: "required",
  scope: "upload",
  body: CompleteUploadBatchBody,
  responses: withShared(
    { 200: { description: "One result per item, in order", schema: UploadBatchCompleted } },
    errors,
  ),
});
