import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CONTRACT_PATH, renderContract } from "../scripts/contract";

describe("the SDK's API types", () => {
  it("src/contract.ts is what the API's schemas make now (else: npm run contract -w packages/client)", async () => {
    expect(await readFile(CONTRACT_PATH, "utf8")).toBe(renderContract());
  }, 60_000);
});
