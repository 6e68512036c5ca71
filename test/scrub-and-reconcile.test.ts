import { randomUUID } from "node:crypto";
import type { ArtifactView, IntegrityReport, IntegrityRunView } from "@artifact-store/api";
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, randomBytesOf, startTestStack, type TestStack } from "./support/stack";

// After upload, bytes are checked again: the scrubber re-reads verified artifacts within a byte
// budget per run; the reconciler compares catalogue and bucket and aborts expired uploads. Both
// sweep the whole catalogue, so every stack here has a database of its own.

const run = randomUUID().slice(0, 8);
const ADMIN = `scrub-admin-${run}`;
const stacks: TestStack[] = [];

const stackWith = async (env: Record<string, string> = {}) => {
  const stack = await startTestStack(env, { ownDatabase: true });
  stacks.push(stack);
  return stack;
};
afterAll(async () => {
  await Promise.all(stacks.map((stack) => stack.close()));
});

const adminCall = async <T>(stack: TestStack, method: string, path: string): Promise<T> => {
  const response = await stack.api(path, { method, token: await stack.tokenFor(ADMIN, ["admin"]) });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as T;
};
const scrub = (stack: TestStack) => adminCall<IntegrityRunView>(stack, "POST", "/v1/admin/integrity/scrub");
const reconcile = (stack: TestStack) =>
  adminCall<IntegrityRunView>(stack, "POST", "/v1/admin/integrity/reconcile");

/** The object key of an artifact, as an operator with storage credentials would find it. */
const objectKeyOf = async (stack: TestStack, artifactId: string) => {
  const key = (await stack.keysUnder("artifacts/")).find((candidate) => candidate.includes(artifactId));
  if (!key) throw new Error(`no object for ${artifactId}`);
  return key;
};

const artifactAs = async (stack: TestStack, token: string, id: string) => {
  const response = await stack.api(`/v1/artifacts/${id}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as ArtifactView;
};

describe("the scrubber", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await stackWith();
  });

  it("finds bytes overwritten, resized or deleted behind the catalogue's back, and quarantines them", async () => {
    const ownerId = `scrub-owner-${run}`;
    const owner = await stack.clientFor(ownerId);
    const token = await stack.tokenFor(ownerId);
    const [good, rotted, resized, missing] = await Promise.all(
      ["good", "rotted", "resized", "missing"].map((name) =>
        owner.upload(randomBytesOf(2048), { filename: `${name}.bin` }),
      ),
    );
    for (const artifact of [good, rotted, resized, missing]) expect(artifact?.state).toBe("verified");
    const put = async (id: string, body: Uint8Array) =>
      stack.s3.send(
        new PutObjectCommand({ Bucket: stack.bucket, Key: await objectKeyOf(stack, id), Body: body }),
      );
    await put(rotted?.id as string, randomBytesOf(2048)); // same size, other bytes: bit rot
    await put(resized?.id as string, randomBytesOf(2000));
    await stack.s3.send(
      new DeleteObjectCommand({ Bucket: stack.bucket, Key: await objectKeyOf(stack, missing?.id as string) }),
    );

    const report = await scrub(stack);
    expect(report.kind).toBe("scrub");
    expect(report.finishedAt).not.toBeNull();
    expect(report.summary).toMatchObject({ checked: 4, verified: 1, corrupt: 3, failed: 0 });
    const reasons = Object.fromEntries(
      report.findings.map((finding) => [finding.artifactId, finding.reason]),
    );
    expect(reasons).toEqual({
      [rotted?.id as string]: "sha256_mismatch",
      [resized?.id as string]: "size_mismatch",
      [missing?.id as string]: "object_missing",
    });

    // The owner sees why; nobody can download it; the good one is untouched.
    const seen = await artifactAs(stack, token, rotted?.id as string);
    expect(seen.state).toBe("corrupt");
    expect(seen.integrity?.reason).toBe("sha256_mismatch");
    const download = await stack.api(`/v1/artifacts/${rotted?.id}/download`, { token });
    expect(download.status).toBe(409);
    expect(await download.json()).toMatchObject({ error: { code: "artifact_corrupt" } });
    expect((await artifactAs(stack, token, good?.id as string)).state).toBe("verified");

    // The report stays for admins to read; others may not.
    const recent = await adminCall<IntegrityReport>(stack, "GET", "/v1/admin/integrity?kind=scrub");
    expect(recent.runs[0]?.id).toBe(report.id);
    for (const path of ["/v1/admin/integrity", "/v1/admin/integrity/scrub"]) {
      const response = await stack.api(path, { method: path.endsWith("scrub") ? "POST" : "GET", token });
      expect(response.status, path).toBe(403);
    }
  });
});

describe("a scrub run's byte budget", () => {
  it("stops each run at its budget; the next goes on with the least recently verified", async () => {
    // Each run takes its first artifact whatever its size, then only what still fits: two of 1 KiB.
    const stack = await stackWith({ SCRUB_RUN_BUDGET_BYTES: "2048" });
    const ownerId = `budget-owner-${run}`;
    const owner = await stack.clientFor(ownerId);
    const token = await stack.tokenFor(ownerId);
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1) {
      ids.push((await owner.upload(randomBytesOf(1024), { filename: `b-${n}.bin` })).id);
    }
    const checkedSince = async (since: string) =>
      (await Promise.all(ids.map((id) => artifactAs(stack, token, id)))).filter(
        (artifact) => (artifact.integrity?.checkedAt ?? "") > since,
      ).length;
    const before = new Date().toISOString();
    const runs: IntegrityRunView[] = [];
    for (let round = 0; round < 3; round += 1) runs.push(await scrub(stack));
    expect(runs.map((one) => one.summary.checked)).toEqual([2, 2, 2]);
    expect(runs.map((one) => one.summary.bytes)).toEqual([2048, 2048, 2048]);
    // Three runs of two: all five checked, the first ones twice only after the others' turn.
    expect(await checkedSince(before)).toBe(5);
  });
});

describe("the reconciler", () => {
  it("reports objects no record claims and records whose object is gone, and deletes nothing", async () => {
    const stack = await stackWith();
    const ownerId = `reconcile-owner-${run}`;
    const owner = await stack.clientFor(ownerId);
    const kept = await owner.upload(randomBytesOf(512), { filename: "kept.bin" });
    const lost = await owner.upload(randomBytesOf(512), { filename: "lost.bin" });
    await stack.s3.send(
      new DeleteObjectCommand({ Bucket: stack.bucket, Key: await objectKeyOf(stack, lost.id) }),
    );
    const strayKey = `artifacts/users/nobody/${randomUUID()}.bin`;
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: strayKey, Body: "stray" }));

    const report = await reconcile(stack);
    expect(report.kind).toBe("reconcile");
    expect(report.summary).toMatchObject({
      objectsListed: 2,
      objectsWithoutRecord: 1,
      recordsWithoutObject: 1,
      failures: 0,
    });
    expect(report.findings).toEqual(
      expect.arrayContaining([
        { kind: "object_without_record", objectKey: strayKey, size: 5 },
        expect.objectContaining({ kind: "record_without_object", artifactId: lost.id }),
      ]),
    );
    const token = await stack.tokenFor(ownerId);
    expect((await artifactAs(stack, token, lost.id)).integrity?.reason).toBe("object_missing");
    expect((await artifactAs(stack, token, kept.id)).state).toBe("verified");
    // The stray object is reported, not deleted: it may be the catalogue that lost its record.
    const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: strayKey }));
    expect(head.ContentLength).toBe(5);
  });

  it("aborts upload sessions left open past their expiry, in storage and in the catalogue", async () => {
    const stack = await stackWith({ UPLOAD_TTL_SECONDS: "1" });
    const ownerId = `expiry-owner-${run}`;
    const token = await stack.tokenFor(ownerId);
    const opened = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({
        filename: "never-finished.bin",
        contentType: "application/octet-stream",
        size: 20 * MiB,
      }),
    });
    expect(opened.status).toBe(201);
    const { uploadId, artifactId, mode } = (await opened.json()) as {
      uploadId: string;
      artifactId: string;
      mode: string;
    };
    expect(mode).toBe("multipart");
    const openInStorage = async () =>
      ((await stack.s3.send(new ListMultipartUploadsCommand({ Bucket: stack.bucket }))).Uploads ?? []).length;
    expect(await openInStorage()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));

    const report = await reconcile(stack);
    expect(report.summary).toMatchObject({ expiredUploadsAborted: 1, failures: 0 });
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: "expired_upload_aborted", uploadId, artifactId }),
    ]);
    expect(await openInStorage()).toBe(0);
    const status = await stack.api(`/v1/uploads/${uploadId}`, { token });
    expect(((await status.json()) as { state: string }).state).toBe("aborted");
    // A second run finds nothing more to do.
    expect((await reconcile(stack)).summary).toMatchObject({ expiredUploadsAborted: 0 });
  });
});
