export { Artifacts } from "./artifacts";
export { checkHealth } from "./health";
export type { ServiceSettings } from "./settings";
export { type Sidecar, writeSidecar } from "./sidecar";
export { type CreateUploadRequest, Uploads } from "./uploads";
