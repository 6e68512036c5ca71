// The stall detector against a real local HTTP server that accepts requests and then goes
// silent at each step: before answering, while the body is being sent, while the answer's body
// is being received. A stopped S3 server (kill -STOP) behaves the same way.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ArtifactStoreClient } from "./client";
import { StalledRequestError, UploadInterruptedError } from "./errors";
import { fetchWithStallTimeout, StallWatch } from "./stall";

const MiB = 1024 * 1024;
const STALL_MS = 300;
const MD5_123 = "Uonfc331cyb83SJZevsfrA==";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server on loopback; `handler` decides per request whether to answer or go silent. */
const serve = async (handler: Handler): Promise<string> => {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const silent: Handler = () => {};

const watched = (url: string, init: Parameters<typeof fetchWithStallTimeout>[2] = {}) =>
  fetchWithStallTimeout(fetch, url, init, {
    stallTimeoutMs: STALL_MS,
    streamBodies: true,
    request: "test request",
  });

const timed = async <T>(work: () => Promise<T>): Promise<{ outcome: T | unknown; ms: number }> => {
  const started = performance.now();
  const outcome = await work().catch((error: unknown) => error);
  return { outcome, ms: performance.now() - started };
};

describe("a request is given up when nothing moves for the stall timeout", () => {
  it("a server that takes the request and never answers", async () => {
    const url = await serve(silent);
    const { outcome, ms } = await timed(() => watched(url));
    expect(outcome).toBeInstanceOf(StalledRequestError);
    expect(outcome).toMatchObject({
      code: "request_stalled",
      request: "test request",
      stallTimeoutMs: STALL_MS,
    });
    expect(ms).toBeGreaterThanOrEqual(STALL_MS - 20);
    expect(ms).toBeLessThan(STALL_MS * 5);
  });

  it("a server that stops reading the body half-way", async () => {
    const url = await serve((request) => {
      let received = 0;
      request.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > MiB) request.pause(); // the socket's buffers fill, then fetch pulls no more
      });
    });
    const { outcome } = await timed(() => watched(url, { method: "PUT", body: new Uint8Array(64 * MiB) }));
    expect(outcome).toBeInstanceOf(StalledRequestError);
  });

  it("a server that sends the headers and part of the body, then nothing", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-length": "1000" });
      response.write("x".repeat(10));
    });
    const response = await watched(url);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toBeInstanceOf(StalledRequestError);
  });
});

describe("slow is not stalled", () => {
  it("a request that keeps moving lives on, however long it takes in all", async () => {
    const watch = new StallWatch(STALL_MS, "test request");
    for (let step = 0; step < 8; step += 1) {
      await new Promise((resolve) => setTimeout(resolve, STALL_MS / 3));
      watch.moved();
    }
    expect(watch.signal.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, STALL_MS * 1.5));
    expect(watch.signal.aborted).toBe(true);
    expect(watch.stall).toBeInstanceOf(StalledRequestError);
  });

  it("an answer that trickles in, for longer than the stall timeout in all, is read whole", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200);
      let sent = 0;
      const timer = setInterval(() => {
        response.write("x".repeat(100));
        sent += 1;
        if (sent === 10) {
          clearInterval(timer);
          response.end();
        }
      }, STALL_MS / 3);
    });
    const { outcome, ms } = await timed(async () => (await watched(url)).text());
    expect(outcome).toBe("x".repeat(1000));
    expect(ms).toBeGreaterThan(STALL_MS * 2);
  });

  it("a body nobody reads for a while is still there when read", async () => {
    const url = await serve((_request, response) => response.end("all of it"));
    const response = await watched(url);
    await new Promise((resolve) => setTimeout(resolve, STALL_MS * 2));
    expect(await response.text()).toBe("all of it");
  });

  it("where fetch cannot show body progress, the wait for the answer grows with the body", async () => {
    // Resolves only when aborted, like a browser's fetch to a stopped server.
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
      );
    const body = new Uint8Array(16 * 1024); // half a second at the assumed 32 KiB/s
    const { outcome, ms } = await timed(() =>
      fetchWithStallTimeout(
        hanging,
        "http://storage.invalid/",
        { method: "PUT", body },
        { stallTimeoutMs: STALL_MS, streamBodies: false, request: "PUT part 1" },
      ),
    );
    expect(outcome).toBeInstanceOf(StalledRequestError);
    expect(ms).toBeGreaterThanOrEqual(STALL_MS + 450);
  });
});

describe("the SDK retries what stalled", () => {
  /** The API and storage on one local server: one part of 3 bytes, PUT to /put. */
  const fakeStore = async (onPut: Handler) => {
    const seen: string[] = [];
    const url = await serve((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      const json = (status: number, body: unknown) => {
        request.resume();
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
      if (request.url === "/v1/uploads") {
        return json(201, {
          uploadId: "11111111-1111-4111-8111-111111111111",
          artifactId: "22222222-2222-4222-8222-222222222222",
          mode: "single",
          partSize: 3,
          partCount: 1,
          checksums: { algorithms: ["md5"], required: true },
          // The MD5 of the bytes 1, 2, 3, as Content-MD5 carries it.
          parts: [{ partNumber: 1, url: `${url}/put`, method: "PUT", headers: { "content-md5": MD5_123 } }],
          expiresAt: new Date(Date.now() + 900_000).toISOString(),
        });
      }
      if (request.url?.endsWith("/complete"))
        return json(200, { id: "22222222-2222-4222-8222-222222222222" });
      if (request.url === "/v1/artifacts/a") return json(200, { id: "a" });
      if (request.url === "/put") return onPut(request, response);
      json(404, { error: { code: "route_not_found" } });
    });
    return { url, seen };
  };

  it("a part PUT that stalls is sent again, and the upload completes", async () => {
    let puts = 0;
    const received: { length: string | undefined; body: number[] }[] = [];
    const { url, seen } = await fakeStore((request, response) => {
      puts += 1;
      if (puts === 1) return; // the first attempt: taken, then silence
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({ length: request.headers["content-length"], body: [...Buffer.concat(chunks)] });
        response.end();
      });
    });
    const client = new ArtifactStoreClient({ baseUrl: url, token: "t", stallTimeoutMs: STALL_MS });
    const artifact = await client.upload(new Uint8Array([1, 2, 3]), {
      filename: "a.bin",
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect(artifact.id).toBe("22222222-2222-4222-8222-222222222222");
    expect(seen.filter((call) => call === "PUT /put")).toHaveLength(2);
    // Streamed, so its progress shows, yet with its length up front as storage wants it.
    expect(received).toEqual([{ length: "3", body: [1, 2, 3] }]);
  });

  it("a part that stalls on every attempt fails as a stall, resumable", async () => {
    const { url } = await fakeStore(silent);
    const client = new ArtifactStoreClient({ baseUrl: url, token: "t", stallTimeoutMs: STALL_MS });
    const error = await client
      .upload(new Uint8Array([1, 2, 3]), {
        filename: "a.bin",
        retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadInterruptedError);
    expect((error as UploadInterruptedError).cause).toBeInstanceOf(StalledRequestError);
    expect((error as UploadInterruptedError).message).toMatch(/PUT part 1 stalled/);
  });

  it("an API call that stalls is sent again when it is safe to", async () => {
    let gets = 0;
    const url = await serve((_request, response) => {
      gets += 1;
      if (gets === 1) return;
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "a" }));
    });
    const client = new ArtifactStoreClient({
      baseUrl: url,
      token: "t",
      stallTimeoutMs: STALL_MS,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
    });
    expect(await client.get("a")).toEqual({ id: "a" });
    expect(gets).toBe(2);
  });

  it("an API call that cannot be repeated safely fails with the stall", async () => {
    let posts = 0;
    const url = await serve(() => {
      posts += 1;
    });
    const client = new ArtifactStoreClient({ baseUrl: url, token: "t", stallTimeoutMs: STALL_MS });
    const error = await client.reindex().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StalledRequestError);
    expect((error as StalledRequestError).request).toBe("POST /v1/admin/reindex");
    expect(posts).toBe(1);
  });

  it("a download whose storage never answers fails as a stall after its retries", async () => {
    let storageGets = 0;
    const url = await serve((request, response) => {
      if (request.url?.endsWith("/download?redirect=false")) {
        return response
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ url: `http://${request.headers.host}/object` }));
      }
      storageGets += 1;
    });
    const client = new ArtifactStoreClient({
      baseUrl: url,
      token: "t",
      stallTimeoutMs: STALL_MS,
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    await expect(client.download("a")).rejects.toBeInstanceOf(StalledRequestError);
    expect(storageGets).toBe(3);
  });
});
