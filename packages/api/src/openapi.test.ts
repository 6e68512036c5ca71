import { ERROR_CODES } from "@artifact-store/core";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi";

describe("the OpenAPI document", () => {
  it("publishes every error code with its status and meaning", () => {
    const document = buildOpenApiDocument() as {
      components: { schemas: { ErrorCode: { enum: string[] } } };
      "x-error-codes": Record<string, { status: number; kind: string; description: string }>;
    };
    const codes = Object.keys(ERROR_CODES);
    expect(document.components.schemas.ErrorCode.enum).toEqual(codes);
    expect(Object.keys(document["x-error-codes"])).toEqual(codes);
    expect(document["x-error-codes"].artifact_not_found).toEqual({
      status: 404,
      kind: "not_found",
      description: ERROR_CODES.artifact_not_found.meaning,
    });
    expect(document["x-error-codes"].upload_expired?.status).toBe(410);
  });
});
