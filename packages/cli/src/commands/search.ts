// artifact-store search: the catalogue's filters as flags, a table for people or --json.
import type { ArtifactView, SearchPage } from "@artifact-store/api";
import type { ArtifactStoreClient, SearchOptions } from "@artifact-store/client";
import { type Command, Option } from "commander";
import { collect, connect } from "../connect";
import { EXIT } from "../exit-codes";
import { bytes, table } from "../format";
import { parseMetadata, positiveInteger } from "./upload";

export interface FilterFlags {
  query?: string;
  tag?: string[];
  anyTag?: string[];
  notTag?: string[];
  contentType?: string;
  owner?: string;
  visibility?: "private" | "public";
  state?: string;
  minSize?: number;
  maxSize?: number;
  createdFrom?: string;
  createdTo?: string;
  fetchedFrom?: string;
  fetchedTo?: string;
  sha256?: string;
  sourceUrl?: string;
  sourceUrlPrefix?: string;
  sourceHost?: string;
  jobId?: string;
  runId?: string;
  httpStatus?: number;
  metadata?: string[];
  sort?: "createdAt" | "size" | "filename";
  order?: "asc" | "desc";
}

const byteCount = (value: string) => {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new Error("must be a number of bytes");
  return number;
};

/** The search filters, shared by `search` and `download --query`. */
export const addFilters = (command: Command): Command =>
  command
    .option("-q, --query <text>", "free text over filename, source URL and title (websearch syntax)")
    .option("-t, --tag <tag>", "carries this tag (repeatable: all of them)", collect)
    .option("--any-tag <tag>", "carries at least one of these tags (repeatable)", collect)
    .option("--not-tag <tag>", "carries none of these tags (repeatable)", collect)
    .option("--content-type <type>", "a media type, or a family such as image/*")
    .option("--owner <id>", "the owner (admins: anyone; others: themselves)")
    .addOption(new Option("--visibility <visibility>").choices(["private", "public"]))
    .option(
      "--state <states>",
      "comma-separated: pending, uploaded, verified, corrupt, deleted (default uploaded,verified)",
    )
    .option("--min-size <bytes>", "at least this many bytes", byteCount)
    .option("--max-size <bytes>", "at most this many bytes", byteCount)
    .option("--created-from <time>", "created at or after (ISO 8601)")
    .option("--created-to <time>", "created before (ISO 8601)")
    .option("--fetched-from <time>", "provenance fetched at or after")
    .option("--fetched-to <time>", "provenance fetched before")
    .option("--sha256 <hex>", "this exact content")
    .option("--source-url <url>", "provenance: fetched from this URL")
    .option("--source-url-prefix <prefix>", "provenance: source URL starts with this")
    .option("--source-host <host>", "provenance: source URL's host")
    .option("--job-id <id>", "provenance: crawl job")
    .option("--run-id <id>", "provenance: crawl run")
    .option("--http-status <code>", "provenance: HTTP status", positiveInteger("--http-status", 599))
    .option(
      "-m, --metadata <key=value>",
      "metadata contains this (repeatable; key:=JSON for typed values)",
      collect,
    )
    .addOption(new Option("--sort <field>").choices(["createdAt", "size", "filename"]))
    .addOption(new Option("--order <order>").choices(["asc", "desc"]));

export const searchOptionsOf = (flags: FilterFlags): SearchOptions => {
  const metadata = parseMetadata(flags.metadata ?? []);
  const options: SearchOptions = {
    q: flags.query,
    tags: flags.tag,
    tagsAny: flags.anyTag,
    tagsNone: flags.notTag,
    contentType: flags.contentType,
    owner: flags.owner,
    visibility: flags.visibility,
    state: flags.state?.split(",").map((state) => state.trim()),
    minSize: flags.minSize,
    maxSize: flags.maxSize,
    createdFrom: flags.createdFrom,
    createdTo: flags.createdTo,
    fetchedFrom: flags.fetchedFrom,
    fetchedTo: flags.fetchedTo,
    sha256: flags.sha256,
    sourceUrl: flags.sourceUrl,
    sourceUrlPrefix: flags.sourceUrlPrefix,
    sourceHost: flags.sourceHost,
    jobId: flags.jobId,
    runId: flags.runId,
    httpStatus: flags.httpStatus,
    metadata,
    sort: flags.sort,
    order: flags.order,
  };
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as SearchOptions;
};

/** Every match, page by page, up to `max`. */
export async function* allMatches(
  client: ArtifactStoreClient,
  query: SearchOptions,
  max = Number.POSITIVE_INFINITY,
): AsyncGenerator<ArtifactView> {
  let seen = 0;
  let cursor: string | undefined = query.cursor;
  do {
    const page: SearchPage = await client.search({
      ...query,
      limit: Math.min(500, Math.max(1, max - seen)),
      ...(cursor ? { cursor } : {}),
    });
    for (const artifact of page.artifacts) {
      if (seen >= max) return;
      seen += 1;
      yield artifact;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor && seen < max);
}

const when = (iso: string) => iso.slice(0, 16).replace("T", " ");

export const artifactRows = (artifacts: ArtifactView[]): string[][] =>
  artifacts.map((artifact) => [
    artifact.id,
    artifact.filename,
    bytes(artifact.size),
    artifact.contentType,
    artifact.state,
    artifact.visibility,
    when(artifact.createdAt),
    artifact.tags.join(","),
  ]);

export const ARTIFACT_COLUMNS = ["ID", "NAME", "SIZE", "TYPE", "STATE", "VISIBILITY", "CREATED", "TAGS"];

interface SearchFlags extends FilterFlags {
  limit?: number;
  cursor?: string;
  all?: boolean;
  count?: boolean;
  json?: boolean;
}

export const registerSearch = (program: Command): void => {
  addFilters(
    program
      .command("search")
      .description("find artifacts you may see; a table, or --json")
      .argument("[text]", "free text, as --query"),
  )
    .option("-l, --limit <n>", "artifacts per page (1-500; default 50)", positiveInteger("--limit", 500))
    .option("--cursor <cursor>", "the page after the one that printed this cursor")
    .option("-a, --all", "every page, not only the first")
    .option("--count", "also count every match (all pages)")
    .option("--json", "one JSON document: { artifacts, nextCursor, total? } as the API answers")
    .action(async (text: string | undefined, flags: SearchFlags, command: Command) => {
      const { client } = await connect(command, { anonymous: true });
      const query: SearchOptions = {
        ...searchOptionsOf({ ...flags, query: flags.query ?? text }),
        ...(flags.cursor ? { cursor: flags.cursor } : {}),
        ...(flags.count ? { count: true } : {}),
      };
      let page: SearchPage;
      if (flags.all) {
        const artifacts: ArtifactView[] = [];
        for await (const artifact of allMatches(client, query)) artifacts.push(artifact);
        page = { artifacts, nextCursor: null };
      } else page = await client.search({ ...query, limit: flags.limit ?? 50 });
      if (flags.json) console.log(JSON.stringify(page, null, 2));
      else if (page.artifacts.length === 0) console.error("No artifacts match.");
      else {
        console.log(table(ARTIFACT_COLUMNS, artifactRows(page.artifacts)));
        const total = page.total === undefined ? "" : ` of ${page.total}`;
        console.error(
          `${page.artifacts.length}${total} artifact(s)${page.nextCursor ? `; next page: --cursor ${page.nextCursor} (or --all)` : ""}`,
        );
      }
      process.exitCode = EXIT.ok;
    });
};
