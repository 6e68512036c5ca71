import type { GenericSchema } from "valibot";
import * as s from "./schemas";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** Who may call: "required" needs a valid token; "optional" serves anonymous callers too. */
export type AuthPolicy = "required" | "optional" | "none";

export interface ResponseContract {
  description: string;
  schema?: GenericSchema;
}

export interface RouteContract {
  operationId: string;
  method: HttpMethod;
  /** Hono path syntax (`/v1/uploads/:uploadId`). */
  path: string;
  summary: string;
  tag: string;
  auth: AuthPolicy;
  params?: GenericSchema;
  query?: GenericSchema;
  body?: GenericSchema;
  responses: Record<number, ResponseContract>;
}

const defineRoute = <const T extends RouteContract>(route: T): T => route;

const errors = {
  400: { description: "Invalid input", schema: s.ErrorBody },
  401: { description: "Missing or invalid credentials", schema: s.ErrorBody },
  404: { description: "Not found, or not visible to the caller", schema: s.ErrorBody },
} as const;

export const createUpload = defineRoute({
  operationId: "createUpload",
  method: "post",
  path: "/v1/uploads",
  summary: "Open an upload and get presigned URLs to send its bytes straight to storage",
  tag: "uploads",
  auth: "required",
  body: s.CreateUploadBody,
  responses: {
    201: { description: "Upload opened", schema: s.UploadCreated },
    400: errors[400],
    401: errors[401],
    413: { description: "Declared size over the limit", schema: s.ErrorBody },
  },
});

export const signUploadParts = defineRoute({
  operationId: "signUploadParts",
  method: "post",
  path: "/v1/uploads/:uploadId/parts",
  summary: "Sign (or re-sign) part URLs of an open multipart upload",
  tag: "uploads",
  auth: "required",
  params: s.UploadParams,
  body: s.SignPartsBody,
  responses: {
    200: { description: "Fresh part URLs", schema: s.SignedParts },
    ...errors,
    409: { description: "Upload no longer open", schema: s.ErrorBody },
    410: { description: "Upload expired", schema: s.ErrorBody },
  },
});

export const getUpload = defineRoute({
  operationId: "getUpload",
  method: "get",
  path: "/v1/uploads/:uploadId",
  summary: "State of an upload and the parts storage already holds",
  tag: "uploads",
  auth: "required",
  params: s.UploadParams,
  responses: { 200: { description: "Upload status", schema: s.UploadStatus }, ...errors },
});

export const completeUpload = defineRoute({
  operationId: "completeUpload",
  method: "post",
  path: "/v1/uploads/:uploadId/complete",
  summary: "Complete an upload from the parts storage holds and record the artifact",
  tag: "uploads",
  auth: "required",
  params: s.UploadParams,
  body: s.CompleteUploadBody,
  responses: {
    200: { description: "The recorded artifact", schema: s.ArtifactView },
    ...errors,
    409: { description: "Parts missing, sizes wrong, or upload aborted", schema: s.ErrorBody },
    410: { description: "Upload expired", schema: s.ErrorBody },
  },
});

export const abortUpload = defineRoute({
  operationId: "abortUpload",
  method: "delete",
  path: "/v1/uploads/:uploadId",
  summary: "Abort an open upload and free its parts in storage",
  tag: "uploads",
  auth: "required",
  params: s.UploadParams,
  responses: {
    204: { description: "Aborted" },
    ...errors,
    409: { description: "Upload already completed", schema: s.ErrorBody },
  },
});

export const getArtifact = defineRoute({
  operationId: "getArtifact",
  method: "get",
  path: "/v1/artifacts/:artifactId",
  summary: "An artifact's metadata",
  tag: "artifacts",
  auth: "optional",
  params: s.ArtifactParams,
  responses: { 200: { description: "The artifact", schema: s.ArtifactView }, ...errors },
});

export const downloadArtifact = defineRoute({
  operationId: "downloadArtifact",
  method: "get",
  path: "/v1/artifacts/:artifactId/download",
  summary: "Redirect to a short-lived presigned download URL (or return it with redirect=false)",
  tag: "artifacts",
  auth: "optional",
  params: s.ArtifactParams,
  query: s.DownloadQuery,
  responses: {
    200: { description: "The URL, with redirect=false", schema: s.DownloadLink },
    302: { description: "Redirect to the presigned URL" },
    ...errors,
    409: { description: "The artifact's bytes are not available", schema: s.ErrorBody },
  },
});

export const deleteArtifact = defineRoute({
  operationId: "deleteArtifact",
  method: "delete",
  path: "/v1/artifacts/:artifactId",
  summary: "Delete an artifact's object and mark its record deleted",
  tag: "artifacts",
  auth: "required",
  params: s.ArtifactParams,
  responses: { 204: { description: "Deleted" }, ...errors },
});

export const health = defineRoute({
  operationId: "health",
  method: "get",
  path: "/v1/health",
  summary: "Liveness of storage and catalogue, with latencies",
  tag: "operations",
  auth: "none",
  responses: {
    200: { description: "All dependencies answer", schema: s.Health },
    503: { description: "A dependency is down", schema: s.Health },
  },
});

export const openApiDocument = defineRoute({
  operationId: "openApiDocument",
  method: "get",
  path: "/openapi.json",
  summary: "This document",
  tag: "operations",
  auth: "none",
  responses: { 200: { description: "OpenAPI 3.1 document" } },
});

export const ROUTES: readonly RouteContract[] = [
  createUpload,
  signUploadParts,
  getUpload,
  completeUpload,
  abortUpload,
  getArtifact,
  downloadArtifact,
  deleteArtifact,
  health,
  openApiDocument,
];
