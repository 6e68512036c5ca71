import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StorageConfig } from "./client";
import { ObjectStorage } from "./object-storage";

// Signing many part URLs at once must give exactly the URLs (and headers to send) that signing
// each alone gives: same signed headers, same query, same signature. Presigning is offline, so
// no server is needed; the clock is fixed so two signatures can be compared byte for byte.

const base = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-example", browserOrigins: [] };
const CONFIGS: Record<string, StorageConfig> = {
  "a self-hosted server, path-style": {
    ...base,
    endpoint: "http://127.0.0.1:9000",
    region: "us-east-1",
    bucket: "artifacts",
    forcePathStyle: true,
  },
  "AWS S3, virtual-hosted, another region, SHA-256 signed too": {
    ...base,
    region: "eu-west-3",
    bucket: "artifacts-eu",
    forcePathStyle: false,
    checksumSha256: true,
  },
};

const MD5 = "1B2M2Y8AsgTpgAmY7PhCfg==";
const SHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const PARTS = [
  { partNumber: 1, size: 16 * 1024 * 1024, checksum: { md5: MD5 } },
  { partNumber: 2, size: 16 * 1024 * 1024, checksum: { md5: MD5, sha256: SHA256 } },
  { partNumber: 3, size: 5 * 1024 * 1024 },
  { partNumber: 10_000, size: 123, checksum: { md5: MD5 } },
];
const KEY = "artifacts/ab/cd/0d4e-uuid/a file (1) é.warc.gz";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T15:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe.each(Object.entries(CONFIGS))("part URLs signed together, on %s", (_, config) => {
  it("are the URLs and headers each part signed alone gets", async () => {
    const storage = new ObjectStorage(config);
    const together = await storage.presignParts(KEY, "upload-id/with+odd=chars", PARTS, 900);
    const alone = await Promise.all(
      PARTS.map((part) =>
        storage.presignPart(KEY, "upload-id/with+odd=chars", part.partNumber, {
          size: part.size,
          ttlSeconds: 900,
          checksum: part.checksum,
        }),
      ),
    );
    expect(together).toEqual(alone);
    expect(new URL(together[3]?.url ?? "").searchParams.get("partNumber")).toBe("10000");
    expect(new URL(together[0]?.url ?? "").searchParams.get("X-Amz-Expires")).toBe("900");
  });

  it("sign each part's own size and checksum into its URL", async () => {
    const storage = new ObjectStorage(config);
    const [first, second] = await storage.presignParts(KEY, "u", PARTS.slice(0, 2), 60);
    const signed = (url: string | undefined) =>
      new URL(url ?? "").searchParams.get("X-Amz-SignedHeaders")?.split(";");
    expect(signed(first?.url)).toEqual(expect.arrayContaining(["content-length", "content-md5", "host"]));
    expect(first?.headers).toEqual({ "content-md5": MD5 });
    expect(second?.headers).toEqual(
      config.checksumSha256
        ? { "content-md5": MD5, "x-amz-checksum-sha256": SHA256 }
        : { "content-md5": MD5 },
    );
    expect(first?.url).not.toBe(second?.url);
  });

  it("sign nothing for no parts", async () => {
    expect(await new ObjectStorage(config).presignParts(KEY, "u", [], 60)).toEqual([]);
  });
});
