import { type RouteContract, routes } from "@artifact-store/api";

export interface FunctionEntry {
  /** Deployed function name. */
  name: string;
  /** Module path from the repository root; it exports `app` (Hono) and `handler` (Lambda). */
  module: string;
  routes: readonly RouteContract[];
  /** Whether the function talks to storage (and so bundles the AWS SDK). */
  usesStorage: boolean;
}

export const FUNCTIONS: readonly FunctionEntry[] = [
  {
    name: "create-upload",
    module: "functions/create-upload.ts",
    routes: [routes.createUpload],
    usesStorage: true,
  },
  {
    name: "sign-upload-parts",
    module: "functions/sign-upload-parts.ts",
    routes: [routes.signUploadParts],
    usesStorage: true,
  },
  { name: "get-upload", module: "functions/get-upload.ts", routes: [routes.getUpload], usesStorage: true },
  {
    name: "complete-upload",
    module: "functions/complete-upload.ts",
    routes: [routes.completeUpload],
    usesStorage: true,
  },
  {
    name: "abort-upload",
    module: "functions/abort-upload.ts",
    routes: [routes.abortUpload],
    usesStorage: true,
  },
  {
    name: "get-artifact",
    module: "functions/get-artifact.ts",
    routes: [routes.getArtifact],
    usesStorage: true,
  },
  {
    name: "download-artifact",
    module: "functions/download-artifact.ts",
    routes: [routes.downloadArtifact],
    usesStorage: true,
  },
  {
    name: "delete-artifact",
    module: "functions/delete-artifact.ts",
    routes: [routes.deleteArtifact],
    usesStorage: true,
  },
  { name: "health", module: "functions/health.ts", routes: [routes.health], usesStorage: true },
  { name: "openapi", module: "functions/openapi.ts", routes: [routes.openApiDocument], usesStorage: false },
];
