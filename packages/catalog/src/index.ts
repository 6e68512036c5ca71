export { ApiKeyRecords, GrantRecords, RateLimitWindows } from "./access-records";
export { Catalog } from "./catalog";
export { type Database, type DatabaseConfig, openDatabase, type Sql } from "./database";
export { MIGRATIONS, migrate } from "./migrations";
export {
  buildSearchQuery,
  type SearchFilter,
  type SearchPosition,
  SearchRecords,
  type SearchRequest,
  type SearchResult,
  type SortKey,
  type SortOrder,
  type Viewer,
} from "./search";
export { ArtifactVersions, type EditOutcome, type EditRequest } from "./versions";
