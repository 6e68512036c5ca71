import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

/**
 * The SDK reaches Node modules only behind `isNode`, through dynamic imports; in the browser they
 * become an empty module (as in the SDK's own browser build), so nothing of Node is bundled.
 */
const noNodeModules: Plugin = {
  name: "no-node-modules",
  enforce: "pre",
  resolveId: (id) => (id.startsWith("node:") ? "\0node-module" : null),
  load: (id) => (id === "\0node-module" ? "export {};" : null),
};

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  // Relative asset URLs: the same build works at / locally and at any path of a static host.
  base: "./",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  plugins: [noNodeModules],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", reportCompressedSize: false },
});
