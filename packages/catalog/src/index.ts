export { ApiKeyRecords, GrantRecords, RateLimitWindows } from "./access-records";
export { Catalog } from "./catalog";
export { type Database, type DatabaseConfig, openDatabase, type Sql } from "./database";
export { MIGRATIONS, migrate } from "./migrations";
