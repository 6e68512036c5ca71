// The store on S3 servers that differ from AWS S3: run on the default server (Ceph RGW) and on
// moto's (the moto project), which verifies no signature, ignores Content-MD5 and download
// overrides, and applies a bucket policy's Deny to signed requests too.
import { randomUUID } from "node:crypto";
import type { Health } from "@artifact-store/api";
import { loadStorageConfig } from "@artifact-store/runtime";
import { ObjectStorage } from "@artifact-store/storage";
import { DeleteBucketCommand, GetBucketPolicyCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { S3_SERVER_UNDER_TEST } from "./support/capabilities";
import {
  MiB,
  randomBytesOf,
  sha256,
  sha256OfResponse,
  startTestStack,
  type TestStack,
} from "./support/stack";

const ON_MOTO = S3_SERVER_UNDER_TEST === "moto";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    UPLOAD_SINGLE_THRESHOLD_BYTES: String(5 * MiB),
    UPLOAD_PART_SIZE_BYTES: String(5 * MiB),
  });
});
afterAll(() => stack?.close());

const policyOf = async (bucket: string): Promise<string | null> => {
  try {
    return (await stack.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? null;
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchBucketPolicy") return null;
    throw error;
  }
};

describe("the deny-anonymous bucket policy (S3_BUCKET_POLICY)", () => {
  it(`is kept where the store can still use its bucket, rolled back with a warning where not (${S3_SERVER_UNDER_TEST} server)`, async () => {
    const bucket = `test-${randomUUID().slice(0, 12)}`;
    const config = loadStorageConfig({
      ...process.env,
      S3_BUCKET: bucket,
      S3_BUCKET_POLICY: "deny-anonymous",
    });
    const warnings: { event: string; fields: Record<string, unknown> }[] = [];
    const storage = new ObjectStorage(config, undefined, (event, fields) => warnings.push({ event, fields }));
    try {
      await storage.prepareBucket();

      await storage.putText("probe.txt", "still mine", "text/plain");
      expect(await storage.getText("probe.txt")).toBe("still mine");
      const anonymous = await fetch(`${config.endpoint}/${bucket}/probe.txt`);
      await anonymous.arrayBuffer();
      expect(anonymous.status).toBe(403);
      if (ON_MOTO) {
        expect(warnings).toEqual([
          {
            event: "bucket_policy_rolled_back",
            fields: expect.objectContaining({
              setting: "S3_BUCKET_POLICY",
              bucket,
              message: expect.stringMatching(/S3_BUCKET_POLICY=deny-anonymous locked the store out.*removed/),
            }),
          },
        ]);
        expect(await policyOf(bucket)).toBeNull();
      } else {
        expect(warnings).toEqual([]);
        expect(await policyOf(bucket)).toContain("DenyAnonymous");
      }
      await storage.deleteObject("probe.txt");
    } finally {
      await stack.s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    }
  });
});

describe("health says what the S3 server enforces and honours", () => {
  it(`${ON_MOTO ? "moto's server: none of it" : "the default server: Content-MD5, download overrides, signatures"}`, async () => {
    const response = await stack.api("/v1/health");
    expect(response.status).toBe(200);
    const health = (await response.json()) as Health;
    expect(health.checks.storage).toMatchObject({
      status: "ok",
      capabilities: {
        contentMd5Enforced: !ON_MOTO,
        responseOverridesHonoured: !ON_MOTO,
        signaturesVerified: !ON_MOTO,
      },
    });
  });
});

describe("an upload is stored with the safe Content-Type and Content-Disposition its download is served with", () => {
  it.each([
    ["a single PUT", 1000],
    ["a multipart upload", 6 * MiB],
  ])("%s of scraped HTML: stored and served as an attachment of plain text", async (_label, size) => {
    const client = await stack.clientFor();
    const bytes = randomBytesOf(size);
    bytes.set(new TextEncoder().encode("<!doctype html><script>alert(document.cookie)</script>"));
    const artifact = await client.upload(bytes, {
      filename: "page «1».html",
      contentType: "text/html; charset=utf-8",
    });
    const disposition = `attachment; filename="page _1_.html"; filename*=UTF-8''page%20%C2%AB1%C2%BB.html`;

    const record = await stack.runtime.catalog.findArtifact(artifact.id);
    const stored = await stack.s3.send(
      new HeadObjectCommand({ Bucket: stack.bucket, Key: record?.objectKey }),
    );
    expect(stored.ContentType).toBe("text/plain; charset=utf-8");
    expect(stored.ContentDisposition).toBe(disposition);

    const served = await client.download(artifact.id);
    expect(served.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(served.headers.get("content-disposition")).toBe(disposition);
    expect(await sha256OfResponse(served)).toBe(sha256(bytes));
  });
});

// Last: a second stack takes over the process's functions (useRuntime), and closes with them.
describe("the whole store on the default policy setting", () => {
  it("starts, uploads and downloads, and says in the log what it had to do", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    vi.stubEnv("LOG_LEVEL", "warn");
    let strict: TestStack | undefined;
    try {
      strict = await startTestStack({ S3_BUCKET_POLICY: "deny-anonymous" });
      const events = logged.mock.calls.flatMap(([line]) => {
        try {
          return [(JSON.parse(String(line)) as { event: string }).event];
        } catch {
          return [];
        }
      });
      expect(events.includes("bucket_policy_rolled_back")).toBe(ON_MOTO);
      expect(events.includes("storage_capabilities_lacking")).toBe(ON_MOTO);

      const client = await strict.clientFor();
      const bytes = randomBytesOf(1000);
      const artifact = await client.upload(bytes, {
        filename: "a.bin",
        contentType: "application/octet-stream",
      });
      expect(artifact.state).toBe("verified");
      expect(await sha256OfResponse(await client.download(artifact.id))).toBe(sha256(bytes));
    } finally {
      vi.unstubAllEnvs();
      logged.mockRestore();
      await strict?.close();
    }
  });
});
