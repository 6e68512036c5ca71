// Fault paths only: storage answering 500 or refusing a part. That uploads really work is proven
// against a real S3 server in test/.
import { describe, expect, it } from "vitest";
import { ArtifactStoreClient } from "./client";
import { PartRejectedError, SourceChangedError, UploadInterruptedError } from "./errors";

// The MD5 of the bytes 1, 2, 3 as Content-MD5 carries it.
const MD5_123 = "Uonfc331cyb83SJZevsfrA==";

const created = {
  uploadId: "11111111-1111-4111-8111-111111111111",
  artifactId: "22222222-2222-4222-8222-222222222222",
  mode: "single",
  partSize: 3,
  partCount: 1,
  checksums: { algorithms: ["md5"], required: true },
  parts: [
    { partNumber: 1, url: "http://storage.invalid/put", method: "PUT", headers: { "content-md5": MD5_123 } },
  ],
  expiresAt: new Date(Date.now() + 900_000).toISOString(),
};

const BAD_DIGEST = "<Error><Code>BadDigest</Code></Error>";

/** Storage answers a status (with an S3 error body) or a status and body; the API answers as the server would. */
const fakeApi = (storageAnswers: (number | [number, string])[], onPut?: (body: Uint8Array) => void) => {
  const calls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    calls.push(`${init?.method ?? "GET"} ${url}`);
    if (url.endsWith("/v1/uploads")) return Response.json(created, { status: 201 });
    if (url.endsWith("/complete")) return Response.json({ id: created.artifactId, size: 3 });
    if (url.endsWith("/parts")) {
      const { parts } = JSON.parse(String(init?.body)) as { parts: { partNumber: number; md5: string }[] };
      return Response.json({
        uploadId: created.uploadId,
        expiresAt: created.expiresAt,
        parts: parts.map(({ partNumber, md5 }) => ({
          partNumber,
          url: "http://storage.invalid/put",
          method: "PUT",
          headers: { "content-md5": md5 },
        })),
      });
    }
    onPut?.(new Uint8Array(await new Response(init?.body).arrayBuffer()));
    const answer = storageAnswers.shift() ?? 200;
    const [status, body] = typeof answer === "number" ? [answer, "<Error/>"] : answer;
    return new Response(status === 200 ? null : body, { status });
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

describe("part checksums", () => {
  it("sends each part with the Content-MD5 its URL was signed with", async () => {
    const headers: Record<string, string>[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = String(input);
      if (url.endsWith("/v1/uploads")) {
        expect(JSON.parse(String(init?.body))).toMatchObject({ md5: MD5_123 });
        return Response.json(created, { status: 201 });
      }
      if (url.endsWith("/complete")) return Response.json({ id: created.artifactId, size: 3 });
      headers.push(init?.headers as Record<string, string>);
      return new Response(null, { status: 200 });
    };
    const client = new ArtifactStoreClient({ baseUrl: "http://api.invalid", token: "t", fetch });
    await client.upload(new Uint8Array([1, 2, 3]), { filename: "a.bin" });
    expect(headers).toEqual([{ "content-md5": MD5_123 }]);
  });

  it("a part storage refused as BadDigest is read again and sent again with the same URL", async () => {
    const bodies: number[][] = [];
    const { calls, client } = fakeApi([[400, BAD_DIGEST], 200], (body) => bodies.push([...body]));
    const artifact = await client.upload(new Uint8Array([1, 2, 3]), { filename: "a.bin", ...noDelay });
    expect(artifact.id).toBe(created.artifactId);
    expect(bodies).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(calls.some((call) => call.endsWith("/parts"))).toBe(false);
  });

  it("gives up after the configured retries when every attempt is refused as BadDigest", async () => {
    const { calls, client } = fakeApi([
      [400, BAD_DIGEST],
      [400, BAD_DIGEST],
      [400, BAD_DIGEST],
    ]);
    const error = await client
      .upload(new Uint8Array([1, 2, 3]), {
        filename: "a.bin",
        retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
      })
      .catch((e) => e);
    expect(error.cause).toBeInstanceOf(PartRejectedError);
    expect(error.cause.status).toBe(400);
    expect(calls.filter((call) => call.startsWith("PUT"))).toHaveLength(3);
  });

  it("a source whose bytes changed since they were hashed fails instead of sending other bytes", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const { client } = fakeApi([[400, BAD_DIGEST]], () => {
      bytes[0] = 9; // changes after the first PUT, before the part is read again
    });
    const error = await client.upload(bytes, { filename: "a.bin", ...noDelay }).catch((e) => e);
    expect(error).toBeInstanceOf(UploadInterruptedError);
    expect(error.cause).toBeInstanceOf(SourceChangedError);
  });
});
