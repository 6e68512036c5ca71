import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { md5Base64, randomBytesOf, sha256, startTestStack, type TestStack } from "./support/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

interface Result {
  index: number;
  ok: boolean;
  status: number;
  error?: { code: string };
  upload?: {
    uploadId: string;
    artifactId: string;
    parts: { url: string; headers: Record<string, string> }[];
  };
  artifact?: { id: string; state: string; sha256: string };
}

const post = async (path: string, token: string, body: unknown) => {
  const response = await stack.api(path, { method: "POST", token, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { results: Result[] } };
};

const declaration = (bytes: Uint8Array, name: string) => ({
  filename: name,
  contentType: "application/octet-stream",
  size: bytes.length,
  sha256: sha256(bytes),
  md5: md5Base64(bytes),
});

describe("batch open and complete", () => {
  it("opens and completes many uploads in two calls; an invalid item fails alone", async () => {
    const user = `batcher-${randomUUID().slice(0, 6)}`;
    const token = await stack.tokenFor(user);
    const files = [randomBytesOf(100), randomBytesOf(16 * 1024), randomBytesOf(1)];
    const opened = await post("/v1/uploads/batch", token, {
      uploads: [
        declaration(files[0] as Uint8Array, "a.bin"),
        { filename: "bad.bin", size: -1, contentType: "x" },
        declaration(files[1] as Uint8Array, "b.bin"),
        { ...declaration(files[2] as Uint8Array, "c.bin"), size: 6 * 1024 ** 4 },
      ],
    });
    expect(opened.status).toBe(200);
    expect(opened.body.results.map((result) => [result.index, result.ok, result.status])).toEqual([
      [0, true, 201],
      [1, false, 400],
      [2, true, 201],
      [3, false, 413],
    ]);
    expect(opened.body.results[1]?.error?.code).toBe("invalid_request");
    const sent = [opened.body.results[0], opened.body.results[2]] as Result[];
    await Promise.all(
      sent.map(async (result, n) => {
        const part = result.upload?.parts[0];
        const put = await fetch(part?.url ?? "", {
          method: "PUT",
          headers: part?.headers,
          body: n === 0 ? files[0] : files[1],
        });
        expect(put.status).toBe(200);
      }),
    );
    const stranger = await stack.tokenFor(`stranger-${randomUUID().slice(0, 6)}`);
    const foreign = await post("/v1/uploads/complete", stranger, {
      uploads: [{ uploadId: sent[0]?.upload?.uploadId }],
    });
    expect(foreign.body.results[0]).toMatchObject({ ok: false, status: 404 });

    const completed = await post("/v1/uploads/complete", token, {
      uploads: [
        { uploadId: sent[0]?.upload?.uploadId },
        { uploadId: "not an id" },
        { uploadId: sent[1]?.upload?.uploadId },
        { uploadId: randomUUID() },
      ],
    });
    expect(completed.status).toBe(200);
    expect(completed.body.results.map((result) => [result.ok, result.status])).toEqual([
      [true, 200],
      [false, 400],
      [true, 200],
      [false, 404],
    ]);
    expect(completed.body.results[0]?.artifact).toMatchObject({
      state: "verified",
      sha256: sha256(files[0] as Uint8Array),
    });

    const admin = await stack.tokenFor("batch-auditor", ["admin"]);
    const artifactId = sent[1]?.upload?.artifactId ?? "";
    const audit = await stack.api(`/v1/audit?${new URLSearchParams({ artifactId })}`, { token: admin });
    const { events } = (await audit.json()) as {
      events: { action: string; status: number; uploadId: string }[];
    };
    expect(events.map((event) => `${event.action} ${event.status}`).reverse()).toEqual([
      "createUploadBatch 201",
      "completeUploadBatch 200",
    ]);
    const denied = await stack.api(
      `/v1/audit?${new URLSearchParams({ actor: `user:${user}`, outcome: "denied" })}`,
      {
        token: admin,
      },
    );
    const deniedEvents = ((await denied.json()) as { events: { reason: string }[] }).events;
    expect(deniedEvents).toHaveLength(4);
    expect(deniedEvents.map((event) => event.reason)).toContain("upload_not_found");
  });

  it("refuses more than 100 items, and a caller without credentials", async () => {
    const token = await stack.tokenFor("batch-greedy");
    const bytes = randomBytesOf(1);
    const many = Array.from({ length: 101 }, (_, n) => declaration(bytes, `${n}.bin`));
    expect((await post("/v1/uploads/batch", token, { uploads: many })).status).toBe(400);
    const ids = Array.from({ length: 101 }, () => ({ uploadId: randomUUID() }));
    expect((await post("/v1/uploads/complete", token, { uploads: ids })).status).toBe(400);
    const anonymous = await stack.api("/v1/uploads/batch", {
      method: "POST",
      body: JSON.stringify({ uploads: [declaration(bytes, "x.bin")] }),
    });
    expect(anonymous.status).toBe(401);
  });

  it("the SDK's uploadMany sends small sources through the batch calls, a large one alone", async () => {
    const client = await stack.clientFor();
    const small = Array.from({ length: 5 }, (_, n) => randomBytesOf(1000 + n));
    const large = randomBytesOf(9 * 1024 * 1024);
    const results = await client.uploadMany([
      ...small.map((bytes, n) => ({
        source: bytes,
        options: { filename: `page-${n}.html`, tags: ["crawl"] },
      })),
      { source: large, options: { filename: "big.bin" } },
      { source: randomBytesOf(3), options: { filename: "" } },
    ]);
    expect(results.slice(0, 5).map((result) => result.ok && result.artifact.sha256)).toEqual(
      small.map(sha256),
    );
    expect(results[5]).toMatchObject({ ok: true, artifact: { sha256: sha256(large), filename: "big.bin" } });
    expect(results[6]).toMatchObject({ ok: false });
    const again = await client.uploadMany([
      { source: small[0] as Uint8Array, options: { filename: "again.html" } },
    ]);
    expect(again[0]).toMatchObject({ ok: true, artifact: { sha256: sha256(small[0] as Uint8Array) } });
  });

  it("uploadMany sends again what storage refused: bytes garbled on the way (BadDigest), a URL it will not take (403)", async () => {
    const sources = Array.from({ length: 4 }, (_, n) => randomBytesOf(2000 + n));
    const [garbled, refused] = sources.map(md5Base64);
    const answers: string[] = [];
    const faulty: typeof fetch = async (input, init) => {
      const md5 = new Headers(init?.headers).get("content-md5");
      let url = String(input);
      let body = init?.body;
      if (init?.method === "PUT" && md5 === garbled && !answers.includes("garbled")) {
        answers.push("garbled");
        const copy = new Uint8Array(body as Uint8Array);
        copy[0] = (copy[0] ?? 0) ^ 0xff;
        body = copy;
      } else if (init?.method === "PUT" && md5 === refused && !answers.includes("refused")) {
        answers.push("refused");
        url = url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${"0".repeat(64)}`);
      }
      const response = await fetch(url, { ...init, body });
      if (init?.method === "PUT") answers.push(`${response.status}`);
      return response;
    };
    const client = await stack.clientFor(undefined, { fetch: faulty });
    const results = await client.uploadMany(
      sources.map((source, n) => ({ source, options: { filename: `refused-${n}.bin` } })),
    );
    expect(results.map((result) => result.ok && result.artifact.sha256)).toEqual(sources.map(sha256));
    // Storage's own answers: the garbled body and the refused URL each failed once, then went through.
    expect(answers.filter((answer) => answer !== "200").sort()).toEqual(["400", "403", "garbled", "refused"]);
    for (const [n, result] of results.entries()) {
      if (!result.ok) continue;
      const { url } = await client.downloadUrl(result.artifact.id);
      expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(sources[n]);
    }
  });
});
