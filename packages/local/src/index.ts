export type { ConsoleServing, DevUser } from "./console";
export {
  type DevelopmentToken,
  type DevelopmentTokenRequest,
  dataDirOf,
  developmentSecret,
  mintDevelopmentToken,
} from "./dev-token";
export { ensurePostgres, openPostgres, type PostgresServer } from "./postgres";
export { createLocalRouter, type RunningServer, startServer } from "./server";
export {
  ensureLocalStorage,
  type LocalApi,
  type LocalApiOptions,
  type LocalConfig,
  type LocalStorage,
  startLocalApi,
} from "./stack";
