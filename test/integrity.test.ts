import { randomUUID } from "node:crypto";
import type { ArtifactView, SearchPage, VerificationRun } from "@artifact-store/api";
import { readSidecar, Verifier } from "@artifact-store/artifacts";
import type { ArtifactStoreClient } from "@artifact-store/client";
import { storageOf, verifierOf } from "@artifact-store/runtime/storage";
import { ObjectStorage } from "@artifact-store/storage";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as verifyArtifactsHandler } from "../functions/verify-artifacts";
import { requires } from "./support/capabilities";
import { MiB, randomBytesOf, sha256, startTestStack, type TestStack } from "./support/stack";

// Stored bytes are proven before they are served: at completion for small objects, by the
// scheduled verify-artifacts run for larger ones (the net beneath their hand-off at completion),
// and again on an admin's request.

const INLINE_MAX = 1 * MiB;
const LARGE = 2 * MiB;
const run = randomUUID().slice(0, 8);
const ADMIN = `integrity-admin-${run}`;
let stack: TestStack;
let admin: string;

beforeAll(async () => {
  // The scheduled run takes every uploaded artifact of the catalogue, so it gets a database of
  // its own: other test files' artifacts live in other buckets.
  // Large uploads are left to the scheduled run here (VERIFY_AT_ONCE=false), so its path is what is
  // tested; test/downloadable-at-once.test.ts covers the hand-off at completion.
  stack = await startTestStack(
    { VERIFY_INLINE_MAX_BYTES: String(INLINE_MAX), VERIFY_AT_ONCE: "false" },
    { ownDatabase: true },
  );
  admin = await stack.tokenFor(ADMIN, ["admin"]);
});
afterAll(() => stack?.close());

/** A 1x1 PNG. */
const PNG = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "base64",
  ),
);

const get = async (id: string, token: string) => {
  const response = await stack.api(`/v1/artifacts/${id}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as ArtifactView;
};

const download = (id: string, token: string) => stack.api(`/v1/artifacts/${id}/download`, { token });

const reverify = (id: string, token: string) =>
  stack.api(`/v1/admin/artifacts/${id}/verify`, { method: "POST", token });

/** What EventBridge sends the deployed function every minute. */
const scheduledRun = async (): Promise<VerificationRun> =>
  (await verifyArtifactsHandler(
    { source: "aws.events", "detail-type": "Scheduled Event", detail: {} },
    {},
  )) as VerificationRun;

const overwrite = async (id: string, body: Uint8Array) => {
  const artifact = await stack.runtime.catalog.findArtifact(id);
  await stack.s3.send(
    new PutObjectCommand({ Bucket: stack.bucket, Key: artifact?.objectKey ?? "", Body: body }),
  );
};

const owner = async (name: string): Promise<{ client: ArtifactStoreClient; token: string; id: string }> => {
  const id = `${name}-${run}`;
  return { client: await stack.clientFor(id), token: await stack.tokenFor(id), id };
};

describe("a declared SHA-256 is checked against the stored bytes", () => {
  it("bytes that match end verified at completion, with the check on record, and are served", async () => {
    const { client, token } = await owner("good");
    const bytes = randomBytesOf(1000);
    const artifact = await client.upload(bytes, {
      filename: "notes.txt",
      contentType: "text/plain",
      sha256: sha256(bytes),
    });
    expect(artifact.state).toBe("verified");
    expect(artifact.integrity).toMatchObject({
      state: "verified",
      reason: null,
      contentTypeMismatch: false,
      sniffedType: null,
    });
    expect(Date.parse(artifact.integrity?.checkedAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
    expect(artifact.integrity?.verifiedAt).toBe(artifact.integrity?.checkedAt);
    expect((await download(artifact.id, token)).status).toBe(302);
  });

  it("bytes that do not match end corrupt: quarantined, never served, and the owner sees why", async () => {
    const { client, token, id: ownerId } = await owner("corrupt");
    const bytes = randomBytesOf(2000);
    const claimed = sha256(randomBytesOf(2000));
    const artifact = await client.upload(bytes, {
      filename: "lies.bin",
      sha256: claimed,
      tags: [`run:${run}`],
    });
    expect(artifact.state).toBe("corrupt");
    expect(artifact.integrity).toMatchObject({
      state: "corrupt",
      reason: "sha256_mismatch",
      details: { expected: claimed, actual: sha256(bytes) },
      verifiedAt: null,
    });

    for (const caller of [token, admin]) {
      const refused = await download(artifact.id, caller);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({
        error: { code: "artifact_corrupt", details: { state: "corrupt", reason: "sha256_mismatch" } },
      });
    }
    expect((await get(artifact.id, token)).integrity).toMatchObject({ reason: "sha256_mismatch" });
    expect((await get(artifact.id, admin)).state).toBe("corrupt");

    // Not in default searches; an admin lists the quarantined ones.
    const search = async (query: string, caller: string) =>
      ((await (await stack.api(`/v1/artifacts?${query}`, { token: caller })).json()) as SearchPage).artifacts;
    expect(await search(`tags=run:${run}`, token)).toEqual([]);
    const quarantined = await search(`state=corrupt&owner=${ownerId}`, admin);
    expect(quarantined.map((a) => [a.id, a.integrity?.reason])).toEqual([[artifact.id, "sha256_mismatch"]]);

    // Not a deduplication target either: the same declaration opens a new upload.
    const again = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({
        filename: "lies.bin",
        contentType: "application/octet-stream",
        size: 2000,
        sha256: claimed,
      }),
    });
    expect(await again.json()).toMatchObject({ deduplicated: false });

    // The bucket's sidecar carries the verdict, so a rebuilt catalogue keeps the quarantine.
    const sidecar = readSidecar(
      (await storageOf(stack.runtime).getText(`metadata/artifacts/${artifact.id}/metadata.json`)) ?? "",
    );
    expect(sidecar).toMatchObject({
      ok: true,
      artifact: { state: "corrupt", integrity: { reason: "sha256_mismatch" } },
    });
  });

  it("shows the integrity report to the owner and admins only", async () => {
    const { client } = await owner("shared");
    const artifact = await client.upload(randomBytesOf(10), { filename: "open.bin", visibility: "public" });
    const reader = await stack.tokenFor(`reader-${run}`);
    expect((await get(artifact.id, reader)).integrity).toBeUndefined();
    expect((await get(artifact.id, admin)).integrity?.state).toBe("verified");
  });
});

describe("large objects are verified off the request path", () => {
  it("stay uploaded, and are not served, until the scheduled run proves them", async () => {
    const { client, token } = await owner("large");
    const bytes = randomBytesOf(LARGE);
    const artifact = await client.upload(bytes, { filename: "big.bin" });
    expect(artifact.state).toBe("uploaded");
    expect(artifact.integrity).toMatchObject({ state: "unverified", checkedAt: null });

    const early = await download(artifact.id, token);
    expect(early.status).toBe(409);
    expect(early.headers.get("retry-after")).toBe("60");
    expect(await early.json()).toMatchObject({ error: { code: "artifact_not_verified" } });

    const report = await scheduledRun();
    expect(report).toMatchObject({ failed: 0 });
    expect(report.verified).toBeGreaterThanOrEqual(1);
    expect(report.bytes).toBeGreaterThanOrEqual(LARGE);
    expect((await get(artifact.id, token)).state).toBe("verified");
    expect((await download(artifact.id, token)).status).toBe(302);
    // Nothing left: a second run finds no work.
    expect(await scheduledRun()).toMatchObject({ verified: 0, corrupt: 0, bytes: 0 });
  });

  it("a run finds bytes overwritten behind the API's back before it got to them", async () => {
    const { client, token } = await owner("tampered");
    const artifact = await client.upload(randomBytesOf(LARGE), { filename: "tampered.bin" });
    const swapped = randomBytesOf(LARGE);
    await overwrite(artifact.id, swapped);
    expect(await scheduledRun()).toMatchObject({ corrupt: 1 });
    expect((await get(artifact.id, token)).integrity).toMatchObject({
      state: "corrupt",
      reason: "sha256_mismatch",
      details: { expected: artifact.sha256, actual: sha256(swapped) },
    });
  });

  it("many runs at once never verify the same artifact twice", async () => {
    const { client } = await owner("many");
    const ids = new Set<string>();
    for (let index = 0; index < 4; index += 1) {
      ids.add((await client.upload(randomBytesOf(LARGE + index), { filename: `many-${index}.bin` })).id);
    }
    const verifiers = [1, 2, 3].map(
      () =>
        new Verifier(stack.runtime.catalog, storageOf(stack.runtime), {
          ...verifierOf(stack.runtime).settings,
          runBudgetBytes: LARGE,
        }),
    );
    const runs: VerificationRun[] = [];
    // Budgets of one object each: runs keep going until every artifact is taken.
    while (runs.reduce((sum, r) => sum + r.verified, 0) < ids.size) {
      const round = await Promise.all(verifiers.map((verifier) => verifier.verifyPending()));
      runs.push(...round);
      if (round.every((r) => r.bytes === 0)) break;
    }
    expect(runs.reduce((sum, r) => sum + r.verified, 0)).toBe(ids.size);
    expect(runs.every((r) => r.verified <= 1 && r.failed === 0)).toBe(true);
  });
});

describe("a verification that fails while storage is away", () => {
  it("is retried within a minute, and backs off while storage stays away", async () => {
    const { client, token } = await owner("storage-away");
    const artifact = await client.upload(randomBytesOf(LARGE), { filename: "away.bin" });
    const t0 = Date.now();
    const at = (seconds: number) => () => new Date(t0 + seconds * 1000);
    const settings = verifierOf(stack.runtime).settings;
    // Storage that refuses every connection, as a stopped S3 server does.
    const away = new ObjectStorage({ ...stack.config.storage, endpoint: "http://127.0.0.1:1" });
    const whileAway = (seconds: number) => new Verifier(stack.runtime.catalog, away, settings, at(seconds));
    const whenBack = (seconds: number) =>
      new Verifier(stack.runtime.catalog, storageOf(stack.runtime), settings, at(seconds));

    expect(await whileAway(0).verifyPending()).toMatchObject({ failed: 1, verified: 0 });
    expect(await whenBack(5).verifyPending()).toMatchObject({ verified: 0, bytes: 0 }); // held 10 s
    expect(await whileAway(11).verifyPending()).toMatchObject({ failed: 1 }); // second failure: 20 s
    expect(await whenBack(25).verifyPending()).toMatchObject({ verified: 0, bytes: 0 });
    expect(await whenBack(32).verifyPending()).toMatchObject({ verified: 1, failed: 0 });
    expect((await get(artifact.id, token)).state).toBe("verified");
  });
});

describe("an admin re-verifies one artifact now", () => {
  it("finds a missing object and a changed size, and clears a quarantine once the bytes are right", async () => {
    const { client, token } = await owner("reverify");
    const bytes = randomBytesOf(3000);
    const artifact = await client.upload(bytes, { filename: "again.bin" });
    expect(artifact.state).toBe("verified");

    await overwrite(artifact.id, bytes.subarray(0, 2999));
    const shrunk = await reverify(artifact.id, admin);
    expect(shrunk.status).toBe(200);
    expect(await shrunk.json()).toMatchObject({
      state: "corrupt",
      integrity: { reason: "size_mismatch", details: { expectedSize: 3000, actualSize: 2999 } },
    });

    const key = (await stack.runtime.catalog.findArtifact(artifact.id))?.objectKey;
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: key }));
    expect(await (await reverify(artifact.id, admin)).json()).toMatchObject({
      state: "corrupt",
      integrity: { reason: "object_missing", verifiedAt: artifact.integrity?.verifiedAt },
    });

    await overwrite(artifact.id, bytes);
    expect(await (await reverify(artifact.id, admin)).json()).toMatchObject({
      state: "verified",
      integrity: { state: "verified", reason: null },
    });
    expect((await download(artifact.id, token)).status).toBe(302);
  });

  it("is for admins only", async () => {
    const { client, token } = await owner("not-admin");
    const artifact = await client.upload(randomBytesOf(10), { filename: "mine.bin" });
    const refused = await reverify(artifact.id, token);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "insufficient_scope" } });
    expect((await reverify(randomUUID(), admin)).status).toBe(404);
  });
});

describe("content is sniffed and served safely", () => {
  const served = async (
    bytes: Uint8Array,
    filename: string,
    contentType: string,
  ): Promise<{ artifact: ArtifactView; headers: Headers }> => {
    const { client, token } = await owner(`served-${filename.replace(/\W/g, "")}`);
    const artifact = await client.upload(bytes, { filename, contentType });
    const redirect = await download(artifact.id, token);
    expect(redirect.status).toBe(302);
    const fromStorage = await fetch(redirect.headers.get("location") ?? "");
    expect(fromStorage.status).toBe(200);
    await fromStorage.arrayBuffer();
    return { artifact, headers: fromStorage.headers };
  };

  it("a .html upload comes from storage as an attachment, as plain text, never inline", async (context) => {
    await requires(context, stack, "response-overrides");
    const page = new TextEncoder().encode(
      "<!doctype html><html><script>alert(document.cookie)</script></html>",
    );
    const { artifact, headers } = await served(page, "page.html", "text/html; charset=utf-8");
    expect(artifact.integrity).toMatchObject({
      state: "verified",
      contentTypeMismatch: false,
      sniffedType: null,
    });
    expect(headers.get("content-disposition")).toMatch(/^attachment; filename="page.html"/);
    expect(headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(headers.get("cache-control")).toBe("private, no-store");
  });

  it("SVG is served as text, unknown types as opaque bytes, a confirmed PNG as a PNG", async (context) => {
    await requires(context, stack, "response-overrides");
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    expect((await served(svg, "logo.svg", "image/svg+xml")).headers.get("content-type")).toBe(
      "text/plain; charset=utf-8",
    );
    const unknown = await served(randomBytesOf(64), "blob.xyz", "application/x-custom");
    expect(unknown.headers.get("content-type")).toBe("application/octet-stream");
    const png = await served(PNG, "pixel.png", "image/png");
    expect(png.artifact.integrity).toMatchObject({ sniffedType: "image/png", contentTypeMismatch: false });
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(png.headers.get("content-disposition")).toMatch(/^attachment;/);
  });

  it("a PNG declared as a PDF is flagged and served as opaque bytes; under reject it is corrupt", async () => {
    const { artifact, headers } = await served(PNG, "report.pdf", "application/pdf");
    expect(artifact.state).toBe("verified");
    expect(artifact.integrity).toMatchObject({
      contentTypeMismatch: true,
      sniffedType: "image/png",
      details: { declaredType: "application/pdf", sniffedType: "image/png" },
    });
    expect(headers.get("content-type")).toBe("application/octet-stream");

    const strict = new Verifier(stack.runtime.catalog, storageOf(stack.runtime), {
      ...verifierOf(stack.runtime).settings,
      contentTypeMismatch: "reject",
    });
    expect(await strict.reverify(artifact.id)).toMatchObject({
      state: "corrupt",
      integrity: { reason: "content_type_mismatch", contentTypeMismatch: true },
    });
  });
});
