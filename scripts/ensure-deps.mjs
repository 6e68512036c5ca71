// Installs the workspace's npm dependencies when they are missing or older than the lock file,
// so `npm start`, `npm test` and `npm run bench` work on a fresh clone with no other step.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

// package.json's engines (^20.19.0 || >=22.12.0, what Vite and rolldown need), said plainly
// before an older Node fails somewhere deep in a dependency.
const [major, minor] = process.versions.node.split(".").map(Number);
if (
  major < 20 ||
  (major === 20 && minor < 19) ||
  (major > 20 && major < 22) ||
  (major === 22 && minor < 12)
) {
  console.error(
    `[setup] Node.js ${process.versions.node} does not meet package.json's engines ` +
      "(^20.19.0 || >=22.12.0): use Node 20.19 or later; see the README's Prerequisites.",
  );
  process.exit(1);
}

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  console.log("[setup] installing npm dependencies (npm ci)...");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}
