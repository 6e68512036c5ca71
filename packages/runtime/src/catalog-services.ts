// Services that need only the catalogue: no AWS SDK in the functions that use them. Webhooks
// are in webhook-services.ts: their libraries are CommonJS, which a bundle keeps once imported.
import { ArtifactSearch } from "@artifact-store/artifacts";
import { IntegrityRecords, SearchRecords } from "@artifact-store/catalog";
import { service } from "./service";

/** Finding artifacts. */
export const searchOf = /* @__PURE__ */ service(
  (runtime) => new ArtifactSearch(new SearchRecords(runtime.catalog.db)),
);

/** Scrub and reconcile reports, and what those runs read from the catalogue. */
export const integrityOf = /* @__PURE__ */ service((runtime) => new IntegrityRecords(runtime.catalog.db));
