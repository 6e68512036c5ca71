export { ensurePostgres } from "./postgres";
export { createLocalRouter, type RunningServer, startServer } from "./server";
export {
  developmentSecret,
  ensureLocalStorage,
  type LocalApi,
  type LocalStorage,
  startLocalApi,
} from "./stack";
