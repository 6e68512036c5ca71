export { Artifacts } from "./artifacts";
export { checkHealth } from "./health";
export { ArtifactSearch, SEARCH_DEFAULT_LIMIT } from "./search";
export type { ServiceSettings } from "./settings";
export { type Sidecar, writeSidecar } from "./sidecar";
export { type CreateUploadRequest, Uploads } from "./uploads";
