/**
 * Builds @artifact-store/crawlee and packs it as it is published:
 * `npm run pack -w packages/crawlee -- [destination folder]` prints the tarball's path.
 * How a workspace package becomes a tarball: scripts/pack-workspace.ts.
 */
import { fileURLToPath } from "node:url";
import { packFromCommandLine, packWorkspace, readmeSection } from "../../../scripts/pack-workspace";

export const CRAWLEE_SECTION = "## Crawlee";

/** The root README's Crawlee section, without its heading. */
export const crawleeSection = (readme: string): string => readmeSection(readme, CRAWLEE_SECTION);

/** Builds and packs the adapter into `destination`; resolves to the tarball's path. */
export const packCrawlee = (destination: string): Promise<string> =>
  packWorkspace(
    { packageDir: fileURLToPath(new URL("..", import.meta.url)), readmeHeading: CRAWLEE_SECTION },
    destination,
  );

await packFromCommandLine(import.meta.url, packCrawlee);
