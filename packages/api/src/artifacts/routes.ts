import { defineRoute, error, errors, limited, withShared } from "../common/routes";
import {
  ArtifactHistory,
  ArtifactParams,
  ArtifactView,
  DownloadLink,
  DownloadQuery,
  UpdateArtifactBody,
} from "./schemas";

export const getArtifact = defineRoute({
  operationId: "getArtifact",
  method: "get",
  path: "/v1/artifacts/:artifactId",
  summary: "An artifact's metadata; the ETag header holds its version",
  tag: "artifacts",
  auth: "optional",
  scope: "read",
  params: ArtifactParams,
  responses: withShared(
    { 200: { description: 'The artifact, with ETag: "<version>"', schema: ArtifactView } },
    errors,
  ),
});

export const updateArtifact = defineRoute({
  operationId: "updateArtifact",
  method: "patch",
  path: "/v1/artifacts/:artifactId",
  summary:
    "Change an artifact's visibility, metadata, tags or expiry (owner or admin) or its legal hold (admin); If-Match on its version guards against lost updates",
  tag: "artifacts",
  auth: "required",
  scope: "write",
  ifMatch: true,
  params: ArtifactParams,
  body: UpdateArtifactBody,
  responses: withShared(
    {
      200: { description: 'The changed artifact, with ETag: "<version>"', schema: ArtifactView },
      412: error("If-Match names a version the artifact no longer has; details.currentVersion holds it"),
    },
    errors,
  ),
});

export const artifactHistory = defineRoute({
  operationId: "artifactHistory",
  method: "get",
  path: "/v1/artifacts/:artifactId/history",
  summary: "Every version of an artifact's metadata, tags and visibility, newest first (owner or admin)",
  tag: "artifacts",
  auth: "required",
  scope: "write",
  params: ArtifactParams,
  responses: withShared({ 200: { description: "Versions, newest first", schema: ArtifactHistory } }, errors),
});

export const downloadArtifact = defineRoute({
  operationId: "downloadArtifact",
  method: "get",
  path: "/v1/artifacts/:artifactId/download",
  summary: "Redirect to a short-lived presigned download URL (or return it with redirect=false)",
  tag: "artifacts",
  auth: "optional",
  scope: "read",
  rateLimited: true,
  params: ArtifactParams,
  query: DownloadQuery,
  responses: withShared(
    {
      200: { description: "The URL, with redirect=false", schema: DownloadLink },
      302: { description: "Redirect to the presigned URL" },
      409: error(
        "The bytes are not served: artifact_not_verified (not checked yet; see Retry-After), artifact_corrupt (quarantined; details.reason says why), or not available (pending)",
      ),
    },
    errors,
    limited,
  ),
});

export const deleteArtifact = defineRoute({
  operationId: "deleteArtifact",
  method: "delete",
  path: "/v1/artifacts/:artifactId",
  summary: "Delete an artifact's object and mark its record deleted (owner or admin; never under legal hold)",
  tag: "artifacts",
  auth: "required",
  scope: "write",
  params: ArtifactParams,
  responses: withShared(
    {
      204: { description: "Deleted" },
      409: error("Under legal hold (legal_hold), or still uploading (upload_in_progress)"),
    },
    errors,
  ),
});
