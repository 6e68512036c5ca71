import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it, vi } from "vitest";
import { ObjectStorage, PROBE_RETRY_AFTER_MS } from "./object-storage";

/** A server that answers bucket calls and refuses every object write, counting the writes. */
const refusingWrites = async () => {
  let writes = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    const [, , key] = new URL(request.url ?? "/", "http://x").pathname.split("/");
    if (key && request.method === "PUT") {
      writes += 1;
      response.writeHead(403, { "content-type": "application/xml" });
      response.end('<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>');
      return;
    }
    response.writeHead(200);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const storage = new ObjectStorage(
    {
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: "us-east-1",
      accessKeyId: "key",
      secretAccessKey: "secret",
      bucket: "artifacts",
      forcePathStyle: true,
      browserOrigins: [],
    },
    undefined,
    () => {},
  );
  return {
    storage,
    writes: () => writes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

let close = async () => {};
afterEach(async () => {
  vi.restoreAllMocks();
  await close();
});

it("answers a failed capability probe as failed for a while, then probes again", async () => {
  const fake = await refusingWrites();
  close = fake.close;
  const started = Date.now();
  const now = vi.spyOn(Date, "now").mockReturnValue(started);

  await expect(fake.storage.capabilities()).rejects.toThrow();
  await expect(fake.storage.capabilities()).rejects.toThrow();
  expect(fake.writes()).toBe(1);

  now.mockReturnValue(started + PROBE_RETRY_AFTER_MS - 1);
  await expect(fake.storage.capabilities()).rejects.toThrow();
  expect(fake.writes()).toBe(1);

  now.mockReturnValue(started + PROBE_RETRY_AFTER_MS);
  await expect(fake.storage.capabilities()).rejects.toThrow();
  expect(fake.writes()).toBe(2);
});
