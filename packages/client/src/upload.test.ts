// Fault paths only: storage answering 500 or refusing a part. That uploads really work is proven
// against a real S3 server in test/.
import { describe, expect, it } from "vitest";
import { ArtifactStoreClient } from "./client";
import { PartRejectedError, UploadInterruptedError } from "./errors";

const created = {
  uploadId: "11111111-1111-4111-8111-111111111111",
  artifactId: "22222222-2222-4222-8222-222222222222",
  mode: "single",
  partSize: 3,
  partCount: 1,
  parts: [{ partNumber: 1, url: "http://storage.invalid/put", method: "PUT", headers: {} }],
  expiresAt: new Date(Date.now() + 900_000).toISOString(),
};

const fakeApi = (storageAnswers: number[]) => {
  const calls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    calls.push(`${init?.method ?? "GET"} ${url}`);
    if (url.endsWith("/v1/uploads")) return Response.json(created, { status: 201 });
    if (url.endsWith("/complete")) return Response.json({ id: created.artifactId, size: 3 });
    const status = storageAnswers.shift() ?? 200;
    return new Response(status === 200 ? null : "<Error/>", { status });
  };
  return { calls, client: new ArtifactStoreClient({ baseUrl: "http://api.invalid", token: "t", fetch }) };
};

const noDelay = { retry: { baseDelayMs: 1, maxDelayMs: 1 } };

describe("part retries", () => {
  it("retries a part storage answered with 500 and 503, then completes", async () => {
    const { calls, client } = fakeApi([500, 503, 200]);
    const artifact = await client.upload(new Uint8Array([1, 2, 3]), { filename: "a.bin", ...noDelay });
    expect(artifact.id).toBe(created.artifactId);
    expect(calls.filter((call) => call.startsWith("PUT"))).toHaveLength(3);
    expect(calls.at(-1)).toMatch(/complete$/);
  });

  it("gives up on a part storage rejects for good, and says how to resume", async () => {
    const { calls, client } = fakeApi([400]);
    const error = await client
      .upload(new Uint8Array([1, 2, 3]), { filename: "a.bin", ...noDelay })
      .catch((e) => e);
    expect(error).toBeInstanceOf(UploadInterruptedError);
    expect(error.uploadId).toBe(created.uploadId);
    expect(error.cause).toBeInstanceOf(PartRejectedError);
    expect(calls.some((call) => call.endsWith("/complete"))).toBe(false);
  });

  it("stops after the configured number of retries", async () => {
    const { calls, client } = fakeApi([500, 500, 500]);
    const error = await client
      .upload(new Uint8Array([1, 2, 3]), {
        filename: "a.bin",
        retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(UploadInterruptedError);
    expect(calls.filter((call) => call.startsWith("PUT"))).toHaveLength(3);
  });
});
