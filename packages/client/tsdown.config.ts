import { defineConfig, type UserConfig } from "tsdown";

/**
 * The SDK as published: ESM for Node 20+ and for browser bundlers, one `.d.ts`. Everything of
 * ours is bundled (the API's types come in through src/contract.ts); only hash-wasm, which
 * browsers hash with, stays a dependency. The output folder is the packer's (PACK_OUT_DIR, scripts/pack-workspace.ts).
 */
const outDir = process.env.PACK_OUT_DIR ?? "dist";

const shared: UserConfig = {
  entry: { index: "src/index.ts" },
  format: "esm",
  target: "es2022",
  outDir,
  tsconfig: "tsconfig.build.json",
  deps: { neverBundle: ["hash-wasm"] },
  sourcemap: false,
  clean: false,
  // The package.json written for the tarball is scripts/pack.ts's; nothing to check here.
  publint: false,
};

/**
 * Node modules are reached only behind `isNode`, through dynamic imports; in the browser build
 * they become an empty module, so no bundler meets a `node:` import it cannot resolve.
 */
const noNodeModules = {
  name: "no-node-modules",
  resolveId: (id: string) => (id.startsWith("node:") ? "\0node-module" : null),
  load: (id: string) => (id === "\0node-module" ? "export {};" : null),
};

export default defineConfig([
  {
    ...shared,
    platform: "neutral",
    dts: true,
    deps: { ...shared.deps, neverBundle: ["hash-wasm", /^node:/] },
  },
  {
    ...shared,
    entry: { browser: "src/index.ts" },
    platform: "browser",
    dts: false,
    plugins: [noNodeModules],
    outputOptions: { inlineDynamicImports: true },
  },
]);
