import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestBlob } from "./blob-digests";

describe("digestBlob, what the Uppy adapter's hashing worker runs", () => {
  it.each([0, 1, 5 * 1024 * 1024 + 3])(
    "answers the digests node:crypto computes, for %i bytes",
    async (size) => {
      const bytes = randomBytes(size);
      const digests = await digestBlob(new Blob([bytes]), { md5: true, sha256: true, sha256Hex: true });
      expect(digests).toEqual({
        md5: createHash("md5").update(bytes).digest("base64"),
        sha256: createHash("sha256").update(bytes).digest("base64"),
        sha256Hex: createHash("sha256").update(bytes).digest("hex"),
      });
    },
  );

  it("computes only what it is asked for", async () => {
    expect(Object.keys(await digestBlob(new Blob(["abc"]), { sha256Hex: true }))).toEqual(["sha256Hex"]);
  });
});
