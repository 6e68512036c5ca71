import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FUNCTIONS, gatewayRoute, LAMBDA_EXTERNAL, lambdaHandler, resourceName } from "./index";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

describe("manifest", () => {
  it("names every function once, in kebab-case, with a module of its own that exists", () => {
    const names = FUNCTIONS.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    const resources = FUNCTIONS.map((entry) => resourceName(entry.name));
    expect(new Set(resources).size).toBe(resources.length);
    for (const entry of FUNCTIONS) {
      expect(entry.module).toMatch(/^functions\/[a-z0-9-]+\.ts$/);
      expect(existsSync(resolve(root, entry.module)), entry.module).toBe(true);
    }
  });

  it("routes every method and path to exactly one function", () => {
    const routes = FUNCTIONS.flatMap((entry) => entry.routes.map(gatewayRoute));
    expect(new Set(routes).size).toBe(routes.length);
  });

  it("gives every entry a way to be invoked: routes, a schedule, a function URL or the deploy", () => {
    for (const entry of FUNCTIONS) {
      const invokedBy = [entry.routes.length > 0, entry.schedule, entry.url, entry.runOnDeploy];
      expect(invokedBy.some(Boolean), entry.name).toBe(true);
      if (entry.schedule) expect(entry.schedule).toMatch(/^(rate\(\d+ (minute|hour|day)s?\)|cron\(.+\))$/);
    }
  });

  it("turns names, modules and routes into SST's forms", () => {
    expect(resourceName("create-upload")).toBe("CreateUpload");
    expect(resourceName("audit-export-2")).toBe("AuditExport2");
    expect(lambdaHandler({ module: "functions/create-upload.ts" })).toBe("functions/create-upload.handler");
    expect(gatewayRoute({ method: "post", path: "/v1/uploads/:uploadId/parts" })).toBe(
      "POST /v1/uploads/{uploadId}/parts",
    );
    expect(gatewayRoute({ method: "get", path: "/openapi.json" })).toBe("GET /openapi.json");
  });

  it("keeps PGlite out of Lambda bundles", () => {
    expect(LAMBDA_EXTERNAL).toContain("@electric-sql/pglite");
  });
});
