import type { ArtifactPage, Principal } from "@artifact-store/core";
import { artifactViewFor } from "../artifacts/views";
import type { SearchPage } from "./schemas";

/** A page as the caller may see it: integrity and legal holds only of their own artifacts. */
export const searchPageView = (principal: Principal, page: ArtifactPage): SearchPage => ({
  artifacts: page.artifacts.map((artifact) => artifactViewFor(principal, artifact)),
  nextCursor: page.nextCursor,
  ...(page.total !== undefined ? { total: page.total } : {}),
});
