import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StorageConfig } from "./client";
import { causeOf, storageSite, storageUnavailable } from "./errors";
import { ObjectStorage } from "./object-storage";

const SECRET = "do-not-print-this-secret";

const storageAt = (endpoint: string): ObjectStorage =>
  new ObjectStorage({
    endpoint,
    region: "us-east-1",
    accessKeyId: "an-access-key",
    secretAccessKey: SECRET,
    bucket: "artifacts",
    forcePathStyle: true,
    browserOrigins: [],
  } satisfies StorageConfig);

const failureOf = async (run: () => Promise<unknown>): Promise<Error> => {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
};

describe("storage failures", () => {
  let answering403: Server;
  let base: string;
  beforeAll(async () => {
    // An S3 server that refuses every request, the way one with other credentials does.
    answering403 = createServer((request, response) => {
      request.resume();
      response.writeHead(403, { "content-type": "application/xml" });
      response.end(
        request.method === "HEAD"
          ? undefined
          : '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
      );
    });
    await new Promise<void>((resolve) => answering403.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(answering403.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => answering403.close(() => resolve())));

  it("name the endpoint, the operation and the network's cause when nothing answers", async () => {
    const error = await failureOf(() => storageAt("http://127.0.0.1:1").ensureBucket());
    expect(error).toMatchObject({ kind: "unavailable", code: "storage_unavailable" });
    expect(error.message).toBe(
      "Storage at http://127.0.0.1:1 did not complete HeadBucket: connect ECONNREFUSED 127.0.0.1:1.",
    );
  });

  it("name a host that does not resolve", async () => {
    const error = await failureOf(() => storageAt("http://storage.invalid:9000").ensureBucket());
    expect(error.message).toMatch(
      /^Storage at http:\/\/storage\.invalid:9000 did not complete HeadBucket: getaddrinfo (ENOTFOUND|EAI_AGAIN) storage\.invalid\.$/,
    );
  });

  it("carry the S3 error code, message and HTTP status storage answered with", async () => {
    const error = await failureOf(() => storageAt(base).putText("a.txt", "a", "text/plain"));
    expect(error.message).toBe(
      `Storage at ${base} did not complete PutObject (HTTP 403): AccessDenied: Access Denied.`,
    );
  });

  it("say what the status means when storage answers without a body", async () => {
    const error = await failureOf(() => storageAt(base).headObject("a.txt"));
    expect(error.message).toBe(
      `Storage at ${base} did not complete HeadObject (HTTP 403): Forbidden, with no details.`,
    );
  });

  it("never print credentials, neither the keys nor user info in the endpoint URL", async () => {
    const error = await failureOf(() =>
      storageAt(`http://user:${SECRET}@127.0.0.1:1/?token=${SECRET}`).ensureBucket(),
    );
    expect(error.message).toMatch(/^Storage at http:\/\/127\.0\.0\.1:1 did not complete HeadBucket: /);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain("an-access-key");
    expect(storageSite({ endpoint: `http://user:${SECRET}@not a url`, region: "x" })).not.toContain(SECRET);
  });

  it("say which AWS region when no endpoint is set, and what each wrapped error said", () => {
    expect(storageSite({ region: "eu-west-1" })).toBe("AWS S3 (eu-west-1)");
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: "ECONNREFUSED" });
    // What Node says when it tried every address of a host (happy eyeballs): the message is empty.
    const both = Object.assign(new AggregateError([refused("::1:9000"), refused("127.0.0.1:9000")], ""), {
      code: "ECONNREFUSED",
    });
    expect(causeOf(both)).toBe("connect ECONNREFUSED ::1:9000; connect ECONNREFUSED 127.0.0.1:9000");
    expect(causeOf(new Error("socket hang up", { cause: refused("10.0.0.1:443") }))).toBe(
      "socket hang up (caused by connect ECONNREFUSED 10.0.0.1:443)",
    );
    expect(storageUnavailable("ListParts", "odd").message).toBe("Storage did not complete ListParts: odd.");
  });
});
