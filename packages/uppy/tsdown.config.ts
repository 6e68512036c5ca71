import { defineConfig } from "tsdown";

/**
 * The package as published: ESM for browser bundlers, and the hashing worker as a file of its own
 * beside index.js, where `new URL("./hash-worker.js", import.meta.url)` finds it (Vite and
 * webpack 5 follow that pattern into the app's build). Only hash-wasm stays a dependency; the
 * store's types come in from the SDK's contract at build time.
 */
export default defineConfig({
  entry: { index: "src/index.ts", "hash-worker": "src/hash-worker.ts" },
  format: "esm",
  platform: "browser",
  target: "es2022",
  outDir: process.env.PACK_OUT_DIR ?? "dist",
  tsconfig: "tsconfig.build.json",
  dts: { eager: true },
  deps: { neverBundle: ["hash-wasm"] },
  sourcemap: false,
  clean: true,
  publint: false,
});
