import { randomUUID } from "node:crypto";
import type { ArtifactView } from "@artifact-store/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putWithoutComplete } from "./support/single-put";
import { startTestStack, type TestStack } from "./support/stack";

// The local stack points the S3 server's own notifications (Ceph RGW: a topic pushing over HTTP
// plus a bucket notification) at the storage-events route, so no test posts them here. (Removals
// are not wired locally; test/storage-events.test.ts posts those.)

const run = randomUUID().slice(0, 8);
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack(
    { STORAGE_EVENTS_TOKEN: `push-${randomUUID()}`, STORAGE_EVENTS_PUSH: "true" },
    { ownDatabase: true },
  );
});
afterAll(() => stack?.close());

const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const artifactOf = async (id: string, token: string) =>
  (await (await stack.api(`/v1/artifacts/${id}`, { token })).json()) as ArtifactView;

describe("notifications pushed by the S3 server itself", () => {
  it("complete a single-PUT upload whose client never calls complete", async () => {
    const { token, upload } = await putWithoutComplete(stack, `pushed-${run}`, { size: 3000 });

    const verified = await eventually(
      () => artifactOf(upload.artifactId, token),
      (artifact) => artifact.state === "verified",
    );
    expect(verified.state).toBe("verified");
    expect((await stack.runtime.catalog.findUpload(upload.uploadId))?.state).toBe("completed");
  });
});
