/**
 * Builds @artifact-store/uppy and packs it as it is published:
 * `npm run pack -w packages/uppy -- [destination folder]` prints the tarball's path. The package
 * holds dist/ (index.js, the hashing worker beside it, one .d.ts), a package.json pointing there,
 * and a README made from the root README's Uppy section (scripts/pack-workspace.ts).
 */
import { fileURLToPath } from "node:url";
import { packFromCommandLine, packWorkspace } from "../../../scripts/pack-workspace";

/** Builds and packs the adapter into `destination`; resolves to the tarball's path. */
export const packUppy = (destination: string): Promise<string> =>
  packWorkspace(
    { packageDir: fileURLToPath(new URL("..", import.meta.url)), readmeHeading: "## Uppy" },
    destination,
  );

await packFromCommandLine(import.meta.url, packUppy);
