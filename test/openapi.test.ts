import { ROUTES } from "@artifact-store/api";
import { ERROR_CODES } from "@artifact-store/core";
import { FUNCTIONS } from "@artifact-store/manifest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "./support/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

describe("OpenAPI", () => {
  it("describes every route the functions serve, with schemas from the contracts", async () => {
    const response = await stack.api("/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; requestBody?: unknown }>>;
    };
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.operationId),
    );
    const served = FUNCTIONS.flatMap((entry) => entry.routes.map((route) => route.operationId));
    expect(operations.sort()).toEqual(served.sort());
    expect(served.sort()).toEqual(ROUTES.map((route) => route.operationId).sort());

    const create = document.paths["/v1/uploads"]?.post as {
      requestBody: {
        content: Record<
          string,
          { schema: { required: string[]; properties: Record<string, { pattern?: string }> } }
        >;
      };
    };
    const schema = create.requestBody.content["application/json"]?.schema;
    expect(schema?.required.sort()).toEqual(["contentType", "filename", "size"]);
    expect(schema?.properties.sha256?.pattern).toBe("^[0-9a-f]{64}$");
    expect(Object.keys(document.paths)).toContain("/v1/uploads/{uploadId}/complete");
  });

  it("lists every error code an answer can carry, with its status", async () => {
    const document = (await (await stack.api("/openapi.json")).json()) as {
      "x-error-codes": Record<string, { status: number; description: string }>;
    };
    expect(Object.keys(document["x-error-codes"])).toEqual(Object.keys(ERROR_CODES));
    expect(document["x-error-codes"].precondition_failed?.status).toBe(412);
  });
});
