#!/usr/bin/env node
// `npx artifact-store`: in this repository the CLI runs from its TypeScript source through tsx, so
// there is nothing to build first; installed from a tarball, it runs the bundle in dist/.
import { existsSync } from "node:fs";

const source = new URL("../src/main.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import("../dist/main.js");
}
