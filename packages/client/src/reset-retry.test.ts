// Storage that cuts the connection while a part is being sent (RGW closing a kept-alive
// connection: undici's "other side closed", ECONNRESET): the part is sent again, over the real
// fetch and a real socket, and the upload completes with every byte in place.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ArtifactStoreClient } from "./client";
import { UploadInterruptedError } from "./errors";

const PART = 1024 * 1024;

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** The API and storage on one loopback server; storage cuts the socket of the PUTs `cut` picks. */
const startStore = async (size: number, cut: (put: number, partNumber: number) => boolean) => {
  const stored = new Map<number, Buffer>();
  let puts = 0;
  let completed: { sha256: string } | undefined;
  const partCount = Math.ceil(size / PART);
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (url.pathname.startsWith("/storage/")) {
      const partNumber = Number(url.pathname.split("/").at(-1));
      puts += 1;
      if (cut(puts, partNumber)) {
        // Take some of the body, then drop the connection without an answer.
        request.once("data", () => request.socket.destroy());
        return;
      }
      const body = await readBody(request);
      const md5 = createHash("md5").update(body).digest("base64");
      if (md5 !== request.headers["content-md5"]) return json(400, { error: "BadDigest" });
      stored.set(partNumber, body);
      response.writeHead(200, { etag: `"${md5}"` });
      return response.end();
    }
    const body = request.method === "POST" ? JSON.parse((await readBody(request)).toString() || "{}") : {};
    const expiresAt = new Date(Date.now() + 900_000).toISOString();
    const signed = (parts: { partNumber: number; md5: string }[]) =>
      parts.map(({ partNumber, md5 }) => ({
        partNumber,
        url: `${origin}/storage/${partNumber}`,
        method: "PUT",
        headers: { "content-md5": md5 },
      }));
    if (url.pathname === "/v1/uploads") {
      return json(201, {
        uploadId: "11111111-1111-4111-8111-111111111111",
        artifactId: "22222222-2222-4222-8222-222222222222",
        mode: "multipart",
        partSize: PART,
        partCount,
        checksums: { algorithms: ["md5"], required: true },
        parts: [],
        expiresAt,
      });
    }
    if (url.pathname.endsWith("/parts")) return json(200, { parts: signed(body.parts), expiresAt });
    if (url.pathname.endsWith("/complete")) {
      completed = body;
      return json(200, { id: "22222222-2222-4222-8222-222222222222", size, state: "uploaded" });
    }
    json(404, { error: { code: "not_found", message: url.pathname } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stored,
    puts: () => puts,
    completed: () => completed,
  };
};

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };

describe("connection resets on part uploads", () => {
  it("a part whose connection is cut mid-body is sent again, and every part lands whole", async () => {
    const bytes = randomBytes(3 * PART + 777);
    // The first attempt at part 2 and at part 4 are cut.
    const cutOnce = new Set([2, 4]);
    const store = await startStore(bytes.byteLength, (_, partNumber) => cutOnce.delete(partNumber));
    const client = new ArtifactStoreClient({ baseUrl: store.baseUrl, token: "t" });
    const artifact = await client.upload(bytes, { filename: "reset.bin", concurrency: 2, ...fast });
    expect(artifact.id).toBe("22222222-2222-4222-8222-222222222222");
    expect(store.puts()).toBe(6);
    expect(Buffer.concat([1, 2, 3, 4].map((n) => store.stored.get(n) ?? Buffer.alloc(0))).equals(bytes)).toBe(
      true,
    );
    expect(store.completed()).toEqual({ sha256: createHash("sha256").update(bytes).digest("hex") });
  });

  it("a part whose connection is cut on every attempt fails, resumable, after its retries", async () => {
    const bytes = randomBytes(2 * PART);
    const store = await startStore(bytes.byteLength, (_, partNumber) => partNumber === 1);
    const client = new ArtifactStoreClient({ baseUrl: store.baseUrl, token: "t" });
    const error = await client
      .upload(bytes, { filename: "reset.bin", retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadInterruptedError);
    expect((error as UploadInterruptedError).uploadId).toBe("11111111-1111-4111-8111-111111111111");
    expect(store.completed()).toBeUndefined();
    const cause = (error as UploadInterruptedError).cause as Error & {
      cause?: { code?: string; message?: string };
    };
    // What fetch reports for a cut connection: a TypeError whose cause is the socket's error.
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.cause?.code).toMatch(/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/);
  });
});
