import {
  createRuntime,
  loadConfig,
  loadStorageConfig,
  type Runtime,
  useRuntime,
} from "@artifact-store/runtime";
import { afterAll, beforeAll, expect, it } from "vitest";
import { app } from "../functions/health";

let runtime: Runtime;

beforeAll(async () => {
  // Storage at a loopback port nothing listens on, as if the S3 server had died.
  const env = {
    ...process.env,
    S3_ENDPOINT: "http://127.0.0.1:9",
    AUTH_JWT_SECRET: "test-secret-test-secret-test-secret-42",
    CATALOG_DATA_DIR: "memory://",
  };
  runtime = await createRuntime({ ...loadConfig(env), storage: loadStorageConfig(env) });
  useRuntime(runtime);
});
afterAll(() => runtime?.close());

it("answers 503 and names the dependency that is down", async () => {
  const response = await app.request("/v1/health");
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({
    status: "degraded",
    checks: { storage: { status: "down", error: expect.any(String) }, catalog: { status: "ok" } },
  });
});
