// Services that need only the catalogue: no AWS SDK in the functions that use them. Webhooks
// are in webhook-services.ts: their libraries are CommonJS, which a bundle keeps once imported.
import { ArtifactSearch } from "@artifact-store/artifacts";
import { IntegrityRecords, SearchRecords } from "@artifact-store/catalog";
import type { CatalogRuntime } from "./catalog-runtime";
import { provided } from "./provided";

/** Finding artifacts. */
export const searchOf = (runtime: CatalogRuntime): ArtifactSearch =>
  provided(runtime, "search", () => new ArtifactSearch(new SearchRecords(runtime.catalog.db)));

/** Scrub and reconcile reports, and what those runs read from the catalogue. */
export const integrityOf = (runtime: CatalogRuntime): IntegrityRecords =>
  provided(runtime, "integrity", () => new IntegrityRecords(runtime.catalog.db));
