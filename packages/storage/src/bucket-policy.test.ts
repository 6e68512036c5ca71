import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ObjectStorage } from "./object-storage";

/**
 * A bucket whose object calls fail while a policy is on it, as `objectAnswer` says: 403 as moto's
 * server does with a deny-anonymous policy, or 500 as a server having a bad moment.
 */
const fakeStorage = async (objectAnswer: 403 | 500) => {
  const calls: string[] = [];
  let policy = false;
  const server: Server = createServer((request, response) => {
    request.resume();
    const url = new URL(request.url ?? "/", "http://x");
    const [, , key] = url.pathname.split("/");
    calls.push(`${request.method} ${key ? "object" : "bucket"}${url.search.replace(/=$/, "")}`);
    if (!key && url.searchParams.has("policy")) policy = request.method === "PUT";
    if (key && policy) {
      response.writeHead(objectAnswer, { "content-type": "application/xml" });
      response.end(
        `<?xml version="1.0"?><Error><Code>${objectAnswer === 403 ? "AccessDenied" : "InternalError"}</Code></Error>`,
      );
      return;
    }
    response.writeHead(request.method === "DELETE" ? 204 : 200, { etag: '"e"' });
    response.end(request.method === "GET" && key ? "artifact-store probe" : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const warnings: string[] = [];
  const storage = new ObjectStorage(
    {
      endpoint,
      region: "us-east-1",
      accessKeyId: "key",
      secretAccessKey: "secret",
      bucket: "artifacts",
      forcePathStyle: true,
      browserOrigins: [],
    },
    undefined,
    (event) => warnings.push(event),
  );
  return {
    storage,
    calls,
    warnings,
    hasPolicy: () => policy,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe("the deny-anonymous policy, checked at start with the store's own key", () => {
  let close = async () => {};
  afterEach(() => close());

  it("is removed again, with a warning, when storage then refuses the store its own objects", async () => {
    const fake = await fakeStorage(403);
    close = fake.close;
    await fake.storage.prepareBucket();
    expect(fake.hasPolicy()).toBe(false);
    expect(fake.calls).toContain("DELETE bucket?policy");
    expect(fake.warnings).toEqual(["bucket_policy_rolled_back"]);
  });

  it("stays when storage fails for another reason: prepareBucket fails, to be tried again", async () => {
    const fake = await fakeStorage(500);
    close = fake.close;
    await expect(fake.storage.prepareBucket()).rejects.toThrow(/did not complete PutObject \(HTTP 500\)/);
    expect(fake.hasPolicy()).toBe(true);
    expect(fake.calls).not.toContain("DELETE bucket?policy");
    expect(fake.warnings).toEqual([]);
  });
});
