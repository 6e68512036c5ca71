import { createHash, randomUUID } from "node:crypto";
import { artifactView, type BackupList, type BackupReport, type RestoreReport } from "@artifact-store/api";
import { BackupRecords } from "@artifact-store/catalog";
import type { ArtifactStoreClient } from "@artifact-store/client";
import type { Artifact } from "@artifact-store/core";
import type { Runtime } from "@artifact-store/runtime";
import { backupsOf } from "@artifact-store/runtime/storage";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomBytesOf, runtimeWithEmptyCatalogue, startTestStack, type TestStack } from "./support/stack";

// Back up, lose data, restore from the snapshot: bytes and records come back as they were.

let stack: TestStack;
let rebuilt: Runtime;
let closeRebuilt: () => Promise<void> = async () => {};
const run = randomUUID().slice(0, 8);
const A = `backup-a-${run}`;
const B = `backup-b-${run}`;
let alice: ArtifactStoreClient;
let bob: ArtifactStoreClient;
let admin: string;
const ids: Record<string, string> = {};
/** The records as the second snapshot saw them. */
const atSnapshot = new Map<string, Artifact>();
let first: BackupReport;
/** When a grant taken into the snapshots runs out: before the full restore. */
let shortGrantEnds: Date;
let second: BackupReport;

const backupNow = async (): Promise<BackupReport> => {
  const response = await stack.api("/v1/admin/backups", { method: "POST", token: admin });
  expect(response.status).toBe(200);
  return (await response.json()) as BackupReport;
};

const restoreOver = async (snapshotId: string, body: object): Promise<RestoreReport> => {
  const response = await stack.api(`/v1/admin/backups/${snapshotId}/restore`, {
    method: "POST",
    token: admin,
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as RestoreReport;
};

const storedSha256 = async (key: string): Promise<string> => {
  const object = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
  return createHash("sha256")
    .update(await (object.Body?.transformToByteArray() ?? new Uint8Array()))
    .digest("hex");
};

/** What a restore must bring back field by field; verification stamps its own time and version. */
const comparable = (artifact: Artifact) => {
  const { integrity: _integrity, version: _version, updatedAt: _updatedAt, ...rest } = artifactView(artifact);
  return rest;
};

beforeAll(async () => {
  stack = await startTestStack({}, { ownDatabase: true });
  alice = await stack.clientFor(A);
  bob = await stack.clientFor(B);
  admin = await stack.tokenFor(`backup-admin-${run}`, ["admin"]);
  const shared = randomBytesOf(300);
  const upload = async (
    client: ArtifactStoreClient,
    name: string,
    bytes: Uint8Array,
    tags: string[] = [],
  ) => {
    ids[name] = (
      await client.upload(bytes, {
        filename: name,
        contentType: "text/plain",
        tags,
        metadata: { name },
        provenance: { sourceUrl: `https://example.com/${name}`, jobId: "job-1" },
      })
    ).id;
  };
  await upload(alice, "a1.txt", shared, ["crawl:1"]);
  await upload(alice, "a2.txt", randomBytesOf(301), ["crawl:1"]);
  await upload(alice, "a3.txt", randomBytesOf(302));
  // The same bytes under another owner: stored once in the backup.
  await upload(bob, "b1.txt", shared, ["crawl:1"]);
  await upload(bob, "b2.txt", randomBytesOf(303));
  // Sharing is part of what a snapshot keeps: one grant that lasts, one that runs out first.
  await alice.grant(ids["a3.txt"] as string, B);
  shortGrantEnds = new Date(Date.now() + 3000);
  await alice.grant(ids["a1.txt"] as string, B, shortGrantEnds);

  // A second runtime on an empty catalogue over the same buckets: the catalogue was lost.
  ({ runtime: rebuilt, close: closeRebuilt } = await runtimeWithEmptyCatalogue(stack));
});

afterAll(async () => {
  await closeRebuilt();
  await stack?.close();
});

it("takes a snapshot of every record, copying each distinct content once; only admins may", async () => {
  const denied = await stack.api("/v1/admin/backups", { method: "POST", token: await stack.tokenFor(A) });
  expect(denied.status).toBe(403);
  first = await backupNow();
  expect(first.snapshot).toMatchObject({ artifacts: 5, copied: 4 });
  expect(first.resumed).toBe(false);
});

it("a second snapshot after a few changes copies only the new content", async () => {
  await alice.update(ids["a2.txt"] as string, { metadata: { name: "a2.txt", reviewed: true } });
  ids["a4.txt"] = (
    await alice.upload(randomBytesOf(304), {
      filename: "a4.txt",
      contentType: "text/plain",
      tags: ["crawl:1"],
    })
  ).id;
  second = await backupNow();
  expect(second.snapshot).toMatchObject({ artifacts: 6, copied: 1, copiedBytes: 304 });
  for (const id of Object.values(ids)) {
    atSnapshot.set(id, (await stack.runtime.catalog.findArtifact(id)) as Artifact);
  }
  // Retention keeps the newest snapshot of each day: the first, of the same day, goes; its
  // content stays, since the second refers to all of it.
  expect(second.pruned).toEqual({ snapshots: [first.snapshot.id], contentObjects: 0 });
  const listed = await stack.api("/v1/admin/backups", { token: admin });
  const { snapshots } = (await listed.json()) as BackupList;
  expect(snapshots.map((snapshot) => snapshot.id)).toEqual([second.snapshot.id]);
});

it("a dry run lists what would change and changes nothing", async () => {
  // Lose data: one artifact deleted, one object overwritten behind the API's back.
  await alice.delete(ids["a1.txt"] as string);
  const corrupted = atSnapshot.get(ids["a3.txt"] as string) as Artifact;
  await stack.s3.send(
    new PutObjectCommand({ Bucket: stack.bucket, Key: corrupted.objectKey, Body: "rotten bytes" }),
  );
  const report = await backupsOf(rebuilt).restore(second.snapshot.id, { dryRun: true });
  expect(report).toMatchObject({ dryRun: true, selected: 6, restored: 0, copied: 0 });
  expect(report.changes.map((change) => change.action)).toEqual(Array(6).fill("create"));
  for (const id of Object.values(ids)) expect(await rebuilt.catalog.findArtifact(id)).toBeNull();
  expect(await storedSha256(corrupted.objectKey)).not.toBe(corrupted.sha256);
  // Against the live catalogue: the artifact deleted after the snapshot is newer there.
  const live = await restoreOver(second.snapshot.id, { dryRun: true, owner: A });
  expect(live.changes.find((change) => change.id === ids["a1.txt"])?.action).toBe("keep_newer");
  expect((await stack.runtime.catalog.findArtifact(ids["a1.txt"] as string))?.state).toBe("deleted");
});

it("restores one owner's artifacts only", async () => {
  const report = await backupsOf(rebuilt).restore(second.snapshot.id, { owner: B });
  expect(report).toMatchObject({ selected: 2, restored: 2, mismatched: [] });
  expect(await rebuilt.catalog.findArtifact(ids["b1.txt"] as string)).not.toBeNull();
  expect(await rebuilt.catalog.findArtifact(ids["a2.txt"] as string)).toBeNull();
});

it("restores everything: every artifact's bytes and record match the snapshot", async () => {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, shortGrantEnds.getTime() - Date.now())));
  const report = await backupsOf(rebuilt).restore(second.snapshot.id);
  expect(report).toMatchObject({ selected: 6, restored: 6, copied: 6, mismatched: [] });
  for (const [id, recorded] of atSnapshot) {
    const restored = (await rebuilt.catalog.findArtifact(id)) as Artifact;
    expect(comparable(restored), id).toEqual(comparable(recorded));
    expect(restored.state).toBe("verified");
    expect(await storedSha256(restored.objectKey), id).toBe(recorded.sha256);
  }
  expect((await rebuilt.catalog.findArtifact(ids["a2.txt"] as string))?.metadata).toEqual({
    name: "a2.txt",
    reviewed: true,
  });
  // Bob may read alice's a3.txt again; the grant that ran out since the snapshot stays gone.
  expect(await rebuilt.grants.list(ids["a3.txt"] as string)).toEqual([
    expect.objectContaining({ grantee: B, grantedBy: A, expiresAt: null }),
  ]);
  expect(await rebuilt.grants.list(ids["a1.txt"] as string)).toEqual([]);
});

it("never overwrites newer records unless asked to", async () => {
  const a1 = ids["a1.txt"] as string;
  const kept = await restoreOver(second.snapshot.id, { ids: [a1] });
  expect(kept).toMatchObject({ restored: 0, changes: [{ id: a1, action: "keep_newer" }] });
  expect((await stack.runtime.catalog.findArtifact(a1))?.state).toBe("deleted");
  const replaced = await restoreOver(second.snapshot.id, { ids: [a1], overwriteNewer: true });
  expect(replaced).toMatchObject({ restored: 1, mismatched: [] });
  const back = (await stack.runtime.catalog.findArtifact(a1)) as Artifact;
  expect(back.state).toBe("verified");
  expect(await storedSha256(back.objectKey)).toBe((atSnapshot.get(a1) as Artifact).sha256);
});

it("a run cut off is resumed by the next, and only one runs at a time", async () => {
  const records = new BackupRecords(rebuilt.catalog.db);
  const now = new Date();
  const id = `${now
    .toISOString()
    .replace(/\.\d{3}/, "")
    .replaceAll(/[-:]/g, "")}-c0ffee`;
  expect((await records.claimRun(id, now, new Date(now.getTime() + 60_000)))?.snapshotId).toBe(id);
  await expect(backupsOf(rebuilt).run()).rejects.toMatchObject({ code: "backup_running" });
  // The process holding it died: its claim lapses (here, released), and the next run takes it on.
  await records.release(id);
  const resumed = await backupsOf(rebuilt).run();
  expect(resumed).toMatchObject({ resumed: true, snapshot: { id, artifacts: 6, copied: 0 } });
});
