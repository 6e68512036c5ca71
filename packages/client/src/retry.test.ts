import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY, retryPolicy } from "./retry";

describe("retryPolicy", () => {
  it("keeps the base's value where the override leaves a key undefined", () => {
    expect(retryPolicy(DEFAULT_RETRY, { retries: undefined } as never)).toEqual(DEFAULT_RETRY);
    expect(retryPolicy(DEFAULT_RETRY, undefined)).toEqual(DEFAULT_RETRY);
    expect(retryPolicy(DEFAULT_RETRY, { retries: 0, maxDelayMs: 50 })).toEqual({
      ...DEFAULT_RETRY,
      retries: 0,
      maxDelayMs: 50,
    });
  });

  it("refuses a count that would never stop, or never start", () => {
    for (const retries of [Number.NaN, Number.POSITIVE_INFINITY, -1, 1.5]) {
      expect(() => retryPolicy(DEFAULT_RETRY, { retries })).toThrow(/retry.retries must be a whole number/);
    }
  });
});
