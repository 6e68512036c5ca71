import { ERROR_CODES } from "@artifact-store/core";
import { describe, expect, it } from "vitest";
import { API_ERROR_CODES, CLIENT_ERROR_CODES } from "./error-codes";

// That the server throws only registered codes is core's error-codes.test.ts; that src/contract.ts
// is freshly generated is contract.test.ts. This pins the link between the two.
describe("the SDK's error codes are the API's", () => {
  it("API_ERROR_CODES is the server's registry, code for code", () => {
    expect([...API_ERROR_CODES]).toEqual(Object.keys(ERROR_CODES));
  });

  it("the SDK's own codes are not the API's", () => {
    for (const code of CLIENT_ERROR_CODES) expect(code in ERROR_CODES, code).toBe(false);
  });
});
