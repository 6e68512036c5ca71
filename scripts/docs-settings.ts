// `npm run docs:settings`: writes the settings tables of README.md and docs/DEPLOY.md from
// packages/runtime/src/settings.ts, between their markers. settings.test.ts fails until they are.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { GENERATED, withPart } from "../packages/runtime/src/settings-docs";

for (const { file, part, content } of GENERATED) {
  const path = resolve(file);
  const before = readFileSync(path, "utf8");
  const after = withPart(before, part, content());
  if (after !== before) writeFileSync(path, after);
  console.log(`[docs:settings] ${file} (${part}): ${after === before ? "current" : "written"}`);
}
