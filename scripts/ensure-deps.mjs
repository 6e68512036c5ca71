// Installs the workspace's npm dependencies when they are missing or older than the lock file,
// so `npm start`, `npm test` and `npm run bench` work on a fresh clone with no other step.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  console.log("[setup] installing npm dependencies (npm ci)...");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}
