import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, STATUS_OF_KIND, statusOfCode } from "./error-codes";

const repo = fileURLToPath(new URL("../../..", import.meta.url));

/** The server's source: every package but the users' doors (SDK, CLI, Uppy), and the functions; no tests. */
const CLIENT_SIDE = new Set(["client", "cli", "uppy", "uppy5-fixture"]);

const serverSources = async (): Promise<Map<string, string>> => {
  const sources = new Map<string, string>();
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "dist") await visit(path);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && path !== registryPath) {
        sources.set(path, await readFile(path, "utf8"));
      }
    }
  };
  for (const name of await readdir(join(repo, "packages"))) {
    if (!CLIENT_SIDE.has(name)) await visit(join(repo, "packages", name, "src"));
  }
  await visit(join(repo, "functions"));
  return sources;
};
const registryPath = fileURLToPath(new URL("./error-codes.ts", import.meta.url));

/**
 * Each way the server names an error code: `invalid("code", ...)`, `new DomainError(kind, "code")`,
 * an error class that takes the code first (`new AuditError("code", ...)`), a body built by hand
 * (`code: "code"`), a typed constant (`const X: ErrorCode = "code"`). The compiler holds thrown codes
 * to the registry already; the scan also sees the bodies built by hand.
 */
const CODE_PATTERNS = [
  /\b(?:invalid|conflict|preconditionFailed|gone|unauthenticated|unavailable|forbidden)\(\s*"([a-z][a-z0-9_]*)"/g,
  /\bnew DomainError\(\s*"[a-z_]+"\s*,\s*"([a-z][a-z0-9_]*)"/g,
  /\bnew (?!DomainError\b)\w+Error\(\s*"([a-z]+_[a-z0-9_]+)"\s*,/g,
  /\bcode:\s*"([a-z]+_[a-z0-9_]+)"/g,
  /:\s*ErrorCode\s*=\s*"([a-z]+_[a-z0-9_]+)"/g,
];
/** `notFound("artifact", id)`: `artifact_not_found`. */
const NOT_FOUND = /\bnotFound\(\s*"([a-z_]+)"/g;

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

describe("the error-code registry", () => {
  it("lists every code the server answers with, and each code it lists is used or reserved", async () => {
    const thrown = codesOf(await serverSources());
    // Sanity: the scan reads the server at all.
    expect(thrown.get("artifact_not_found")).toBeDefined();
    expect(thrown.get("invalid_request")).toBeDefined();
    expect(thrown.get("internal_error")).toBeDefined();

    const unlisted = [...thrown]
      .filter(([code]) => !(code in ERROR_CODES))
      .map(([code, where]) => `${code} (${where})`);
    expect(unlisted, "add these to packages/core/src/error-codes.ts").toEqual([]);
    const unused = Object.entries(ERROR_CODES)
      .filter(([code, entry]) => !thrown.has(code) && !("reserved" in entry))
      .map(([code]) => code);
    expect(unused, "no source uses these: remove them, or say why they are reserved").toEqual([]);
  });

  it("gives each code a status through its kind, and a meaning of one line", () => {
    expect(statusOfCode("artifact_not_found")).toBe(404);
    expect(statusOfCode("upload_expired")).toBe(410);
    expect(statusOfCode("internal_error")).toBe(500);
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(STATUS_OF_KIND[entry.kind], code).toBeGreaterThanOrEqual(400);
      expect(entry.meaning, code).toMatch(/^[A-Z].*\.$/);
      expect(entry.meaning, code).not.toContain("\n");
    }
  });
});
