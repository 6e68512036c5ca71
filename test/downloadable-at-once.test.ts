import { randomUUID } from "node:crypto";
import type { VerificationRun } from "@artifact-store/api";
import { Verifier } from "@artifact-store/artifacts";
import { ArtifactCorruptError, type ArtifactStoreClient } from "@artifact-store/client";
import { USER_SCOPES } from "@artifact-store/core";
import { storageOf, uploadsOf, verifierOf } from "@artifact-store/runtime/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putWithoutComplete } from "./support/single-put";
import { MiB, randomBytesOf, sha256, startTestStack, type TestStack } from "./support/stack";

// An upload too large to verify before complete answers is handed to a verifier as it completes,
// so it is downloadable about as soon as its bytes can be read back, not at the next scheduled run.
// The test stack runs no schedule at all (`npm start` does, as the net): whatever verifies these
// artifacts here is the hand-off.

const INLINE_MAX = 1 * MiB;
const LARGE = 3 * MiB;
/** Reading 3 MiB back from loopback storage takes tens of milliseconds; this is the slack. */
const PROMPTLY_MS = 2_000;
const run = randomUUID().slice(0, 8);
let stack: TestStack;

beforeAll(async () => {
  // The race below runs a scheduled pass, which takes every uploaded artifact of its catalogue.
  stack = await startTestStack({ VERIFY_INLINE_MAX_BYTES: String(INLINE_MAX) }, { ownDatabase: true });
});
afterAll(() => stack?.close());

const owner = async (name: string): Promise<{ client: ArtifactStoreClient; token: string; id: string }> => {
  const id = `${name}-${run}`;
  return { client: await stack.clientFor(id), token: await stack.tokenFor(id), id };
};

/** Polls the download route until it stops answering "not verified yet"; the time that took. */
const untilSettled = async (
  id: string,
  token: string,
): Promise<{ status: number; ms: number; code?: string }> => {
  const started = performance.now();
  for (;;) {
    const response = await stack.api(`/v1/artifacts/${id}/download`, { token });
    const body = response.status === 409 ? ((await response.json()) as { error: { code: string } }) : null;
    if (body?.error.code !== "artifact_not_verified") {
      return { status: response.status, ms: performance.now() - started, code: body?.error.code };
    }
    if (performance.now() - started > 30_000) return { status: 409, ms: Number.POSITIVE_INFINITY };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("an upload above the inline limit", () => {
  it("is answered as uploaded, then downloadable within moments", async () => {
    const { client, token } = await owner("at-once");
    const artifact = await client.upload(randomBytesOf(LARGE), { filename: "big.bin" });
    expect(artifact.state).toBe("uploaded");
    const settled = await untilSettled(artifact.id, token);
    expect(settled.status).toBe(302);
    expect(settled.ms).toBeLessThan(PROMPTLY_MS);
    expect(await client.get(artifact.id)).toMatchObject({ state: "verified", integrity: { reason: null } });
  });

  it("whose bytes do not match is quarantined just as soon", async () => {
    const { client, token } = await owner("corrupt-at-once");
    const claimed = sha256(randomBytesOf(LARGE));
    const artifact = await client.upload(randomBytesOf(LARGE), { filename: "lies.bin", sha256: claimed });
    expect(artifact.state).toBe("uploaded");
    const settled = await untilSettled(artifact.id, token);
    expect(settled).toMatchObject({ status: 409, code: "artifact_corrupt" });
    expect(settled.ms).toBeLessThan(PROMPTLY_MS);
    expect((await client.get(artifact.id)).integrity).toMatchObject({ reason: "sha256_mismatch" });
  });
});

describe('the SDK\'s upload(..., { waitUntil: "verified" })', () => {
  it("returns as soon as the hand-off verified it", async () => {
    const { client } = await owner("sdk-wait");
    const bytes = randomBytesOf(LARGE);
    const started = performance.now();
    const artifact = await client.upload(bytes, { filename: "waited.bin", waitUntil: "verified" });
    expect(performance.now() - started).toBeLessThan(PROMPTLY_MS + 1_000);
    expect(artifact).toMatchObject({ state: "verified", sha256: sha256(bytes) });
  });

  it("fails with ArtifactCorruptError as promptly when the bytes do not match", async () => {
    const { client } = await owner("sdk-corrupt");
    const started = performance.now();
    const failure = await client
      .upload(randomBytesOf(LARGE), {
        filename: "waited-lies.bin",
        sha256: sha256(randomBytesOf(16)),
        waitUntil: "verified",
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ArtifactCorruptError);
    expect(performance.now() - started).toBeLessThan(PROMPTLY_MS + 1_000);
  });
});

describe("verifiers racing on one artifact", () => {
  it("read it once: hand-offs and a scheduled run all at once, one verdict", async () => {
    const ownerId = `race-${run}`;
    // Completed behind the API's back, so nothing has handed it off yet.
    const { upload } = await putWithoutComplete(stack, ownerId, { size: 2 * MiB });
    const uploaded = await uploadsOf(stack.runtime).complete(
      { kind: "user", id: ownerId, roles: [], scopes: USER_SCOPES },
      upload.uploadId,
    );
    expect(uploaded.state).toBe("uploaded");

    const verifiers = [1, 2, 3].map(
      () => new Verifier(stack.runtime.catalog, storageOf(stack.runtime), verifierOf(stack.runtime).settings),
    );
    const runs: VerificationRun[] = await Promise.all([
      ...verifiers.map((verifier) => verifier.verifyHandedOff(uploaded.id)),
      verifiers[0]?.verifyPending() ?? Promise.reject(new Error("no verifier")),
      verifierOf(stack.runtime).verifyHandedOff(uploaded.id),
    ]);
    expect(runs.reduce((sum, r) => sum + r.verified, 0)).toBe(1);
    expect(runs.reduce((sum, r) => sum + r.bytes, 0)).toBe(2 * MiB);
    expect(runs.every((r) => r.failed === 0 && r.corrupt === 0)).toBe(true);
    expect((await stack.runtime.catalog.findArtifact(uploaded.id))?.state).toBe("verified");
    // Once verified there is nothing left to hand off: a late, repeated invoke reads nothing.
    expect(await verifiers[1]?.verifyHandedOff(uploaded.id)).toMatchObject({ verified: 0, bytes: 0 });
  });
});
