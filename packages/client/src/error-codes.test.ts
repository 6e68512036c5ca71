import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { API_ERROR_CODES } from "./error-codes";

const repo = fileURLToPath(new URL("../../..", import.meta.url));

/** The server's source: every package but the SDK and the CLI, and the functions; no tests. */
const serverSources = async (): Promise<Map<string, string>> => {
  const sources = new Map<string, string>();
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "dist") await visit(path);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        sources.set(path, await readFile(path, "utf8"));
      }
    }
  };
  for (const name of await readdir(join(repo, "packages"))) {
    if (name !== "client" && name !== "cli") await visit(join(repo, "packages", name, "src"));
  }
  await visit(join(repo, "functions"));
  return sources;
};

/** Each way the server names an error code: `invalid("code", ...)`, `new DomainError(kind, "code")`, ... */
const CODE_PATTERNS = [
  /\b(?:invalid|conflict|preconditionFailed|gone|unauthenticated|unavailable|forbidden)\(\s*"([a-z][a-z0-9_]*)"/g,
  /\bnew DomainError\(\s*"[a-z_]+"\s*,\s*"([a-z][a-z0-9_]*)"/g,
  // Error classes of their own that take the code first (AuditError).
  /\bnew (?!DomainError\b)\w+Error\(\s*"([a-z]+_[a-z0-9_]+)"\s*,/g,
  /\bcode:\s*"([a-z]+_[a-z0-9_]+)"/g,
];
/** `notFound("artifact", id)` and the like: `${what}_not_found`. */
const NOT_FOUND = /\b\w*[nN]otFound\(\s*"([a-z_]+)"/g;

const codesOf = (sources: Map<string, string>): Map<string, string> => {
  const codes = new Map<string, string>();
  for (const [path, text] of sources) {
    const where = path.slice(repo.length);
    for (const pattern of CODE_PATTERNS)
      for (const [, code] of text.matchAll(pattern)) codes.set(code as string, where);
    for (const [, what] of text.matchAll(NOT_FOUND)) codes.set(`${what}_not_found`, where);
  }
  return codes;
};

describe("the SDK's error codes are the API's", () => {
  it("every code the server throws is in API_ERROR_CODES, and every code listed is still thrown", async () => {
    const sources = await serverSources();
    const thrown = codesOf(sources);
    // Sanity: the scan reads the server at all.
    expect(thrown.get("artifact_not_found")).toBeDefined();
    expect(thrown.get("invalid_request")).toBeDefined();

    const listed = new Set<string>(API_ERROR_CODES);
    const unlisted = [...thrown]
      .filter(([code]) => !listed.has(code))
      .map(([code, where]) => `${code} (${where})`);
    expect(unlisted, "add these to packages/client/src/error-codes.ts").toEqual([]);
    const stale = [...listed].filter((code) => !thrown.has(code));
    expect(stale, "the server no longer throws these: remove them from error-codes.ts").toEqual([]);
  });
});
