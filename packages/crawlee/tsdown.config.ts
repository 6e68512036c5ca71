import { defineConfig } from "tsdown";

/**
 * The adapter as published: ESM for Node 20+, one `.d.ts`. Crawlee's packages are peers (the
 * crawler's own copies must be the ones patched and implemented) and the SDK a dependency, so
 * neither is bundled. The output folder is the packer's (PACK_OUT_DIR, scripts/pack-workspace.ts).
 */
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: "esm",
  platform: "node",
  target: "node20",
  outDir: process.env.PACK_OUT_DIR ?? "dist",
  tsconfig: "tsconfig.build.json",
  dts: true,
  // .js and .d.ts beside the "type": "module" manifest, as the exports name them.
  fixedExtension: false,
  deps: { neverBundle: [/^@crawlee\//, "crawlee", "@artifact-store/client"] },
  sourcemap: false,
  clean: false,
  publint: false,
});
