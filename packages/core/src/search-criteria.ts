import type { Artifact, ArtifactState, Visibility } from "./model";

/**
 * What a search asks for, parsed from the query string by the contract (every filter optional,
 * combined with AND); the search service checks it against the caller and the catalogue.
 */
export interface SearchCriteria {
  text?: string;
  /** As given, split at commas: the service normalizes them as tags. */
  tagsAll?: string[];
  tagsAny?: string[];
  tagsNone?: string[];
  /** A media type or a family such as image/*. */
  contentType?: string;
  owner?: string;
  visibility?: Visibility;
  /** Each once; absent: uploaded and verified. */
  states?: ArtifactState[];
  minSize?: number;
  maxSize?: number;
  createdFrom?: Date;
  createdTo?: Date;
  fetchedFrom?: Date;
  fetchedTo?: Date;
  sha256?: string;
  sourceUrl?: string;
  sourceUrlPrefix?: string;
  sourceHost?: string;
  jobId?: string;
  runId?: string;
  httpStatus?: number;
  /** A JSON object the artifact's metadata must contain. */
  metadata?: Record<string, unknown>;
  sort?: "createdAt" | "size" | "filename";
  order?: "asc" | "desc";
  limit?: number;
  cursor?: string;
  /** Count the matches of all pages too. */
  count: boolean;
}

/** One page of a search: the artifacts, and the cursor of the next page (null on the last). */
export interface ArtifactPage {
  artifacts: Artifact[];
  nextCursor: string | null;
  /** Matches over all pages, when the criteria asked for the count. */
  total?: number;
}
