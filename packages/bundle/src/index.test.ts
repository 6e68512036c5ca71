import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FUNCTIONS, LAMBDA_EXTERNAL } from "@artifact-store/manifest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bundleFunction,
  bundleFunctions,
  bundleSource,
  coldImportOnce,
  isAwsSdk,
  median,
  sourceOf,
} from "./index";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
let outDir: string;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), "bundle-test-"));
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("bundle", () => {
  it("groups inputs by package", () => {
    expect(sourceOf("node_modules/@aws-sdk/client-s3/dist-es/index.js")).toBe("@aws-sdk/client-s3");
    expect(sourceOf("node_modules/hono/dist/hono.js")).toBe("hono");
    expect(sourceOf("packages/catalog/src/database.ts")).toBe("@artifact-store/catalog");
    expect(sourceOf("functions/health.ts")).toBe("functions/health.ts");
    expect(isAwsSdk("@smithy/core")).toBe(true);
    expect(isAwsSdk("hono")).toBe(false);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("bundles as SST does: ESM with the createRequire banner, minified, PGlite left out", async () => {
    const outfile = join(outDir, "pglite.mjs");
    const bundle = await bundleSource(
      `import { Hono } from "hono";
       import { handle } from "hono/aws-lambda";
       export const open = () => import("@electric-sql/pglite");
       export const handler = handle(new Hono());`,
      outfile,
      { root },
    );
    const code = await readFile(outfile, "utf8");
    expect(code.startsWith("import { createRequire as topLevelCreateRequire } from 'module';")).toBe(true);
    expect(code).toContain('import("@electric-sql/pglite")');
    expect(bundle.externalImports).toEqual(["@electric-sql/pglite"]);
    expect(bundle.includesAwsSdk).toBe(false);
    expect(bundle.contributors[0]?.source).toBe("hono");
    expect(await coldImportOnce(outfile)).toBeGreaterThan(0);
  });

  it("bundles one function alone as in a batch", async () => {
    const alone = await bundleFunction("functions/openapi.ts", join(outDir, "alone", "openapi.mjs"), {
      root,
    });
    const batch = await bundleFunctions(
      [{ name: "openapi", module: "functions/openapi.ts" }],
      join(outDir, "batch"),
      {
        root,
      },
    );
    expect(batch.get("openapi")?.bytes).toBe(alone.bytes);
  });

  it("carries the AWS SDK exactly in the functions that talk to storage", { timeout: 120_000 }, async () => {
    const bundles = await bundleFunctions(FUNCTIONS, join(outDir, "functions"), { root });
    for (const entry of FUNCTIONS) {
      const bundle = bundles.get(entry.name);
      if (!bundle) throw new Error(`no bundle for ${entry.name}`);
      expect(bundle.includesAwsSdk, `${entry.name} (usesStorage: ${entry.usesStorage})`).toBe(
        entry.usesStorage,
      );
      expect(bundle.contributors.map((c) => c.source)).not.toContain("@electric-sql/pglite");
      // Only what deliberately stays out may be left for the Lambda to resolve at run time.
      for (const external of bundle.externalImports) expect(LAMBDA_EXTERNAL).toContain(external);
      // Migrations' SQL only where it runs on deploy: the other functions only check the schema version.
      const code = await readFile(join(outDir, "functions", `${entry.name}.mjs`), "utf8");
      expect(code.includes("create table artifacts"), entry.name).toBe(entry.runOnDeploy === true);
    }
  });

  it("leaves out every service a function never asks for (each is marked @__PURE__)", async () => {
    const bytesFrom = async (name: string, source: string) => {
      const bundle = await bundleSource(source, join(outDir, `${name}.mjs`), { root });
      return (pkg: string) => bundle.contributors.find((c) => c.source === pkg)?.bytes ?? 0;
    };
    // Storage alone: none of the operations (artifacts) nor backups, which only other services
    // reach. What remains of those packages is module-level constants, well under a KiB; any one
    // service kept (a missing @__PURE__) brings its class and many KiB.
    const storageOnly = await bytesFrom(
      "storage-only",
      `import { storageRuntime, storageOf } from "@artifact-store/runtime/storage";
       export const handler = async () => storageOf(await storageRuntime.runtime());`,
    );
    expect(storageOnly("@aws-sdk/client-s3")).toBeGreaterThan(0);
    expect(storageOnly("@artifact-store/artifacts")).toBeLessThan(1024);
    expect(storageOnly("@artifact-store/backup")).toBeLessThan(1024);
    // The runtime alone: not even the catalogue-only services (search).
    const runtimeOnly = await bytesFrom(
      "runtime-only",
      `import { sharedRuntime } from "@artifact-store/runtime";
       export const handler = async () => (await sharedRuntime()).ready();`,
    );
    expect(runtimeOnly("@artifact-store/catalog")).toBeGreaterThan(0);
    expect(runtimeOnly("@artifact-store/artifacts")).toBeLessThan(1024);
  });
});
