/**
 * Builds @artifact-store/client and packs it as it is published:
 * `npm run pack -w packages/client -- [destination folder]` prints the tarball's path.
 * How a workspace package becomes a tarball: scripts/pack-workspace.ts.
 */
import { fileURLToPath } from "node:url";
import { packFromCommandLine, packWorkspace, readmeSection } from "../../../scripts/pack-workspace";

/** The heading of the root README's section that is the package's README. */
export const SDK_SECTION = "## Uploading with the SDK";

/** The root README's SDK section, without its heading: the package README's body. */
export const sdkSection = (readme: string): string => readmeSection(readme, SDK_SECTION);

/** Builds and packs the SDK into `destination`; resolves to the tarball's path. */
export const packClient = (destination: string): Promise<string> =>
  packWorkspace(
    {
      packageDir: fileURLToPath(new URL("..", import.meta.url)),
      readmeHeading: SDK_SECTION,
      rootExport: {
        types: "./dist/index.d.ts",
        // Bundlers building for browsers take the build without Node's modules in it.
        browser: "./dist/browser.js",
        default: "./dist/index.js",
      },
    },
    destination,
  );

await packFromCommandLine(import.meta.url, packClient);
