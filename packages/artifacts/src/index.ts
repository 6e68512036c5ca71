export { Artifacts } from "./artifacts";
export { checkHealth } from "./health";
export { mirrorTags, OBJECT_TAGS_MAX, objectTagsOf } from "./object-tags";
export { reindexFromStorage } from "./reindex";
export { ArtifactSearch, SEARCH_DEFAULT_LIMIT } from "./search";
export type { ServiceSettings } from "./settings";
export { readSidecar, type Sidecar, type SidecarReading, sidecarOf, writeSidecar } from "./sidecar";
export { type CreateUploadRequest, Uploads } from "./uploads";
