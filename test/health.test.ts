import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

describe("health", () => {
  it("reports storage and catalogue as up, with latencies", async () => {
    const response = await stack.api("/v1/health");
    expect(response.status).toBe(200);
    const health = (await response.json()) as {
      status: string;
      checks: Record<string, { status: string; latencyMs: number }>;
    };
    expect(health.status).toBe("ok");
    for (const check of Object.values(health.checks)) {
      expect(check.status).toBe("ok");
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(Object.keys(health.checks).sort()).toEqual(["catalog", "storage"]);
  });
});
