import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { BackupReport, BackupSnapshotView, RestoreReport } from "@artifact-store/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomBytesOf, startTestStack, type TestStack } from "./support/stack";

const run = promisify(execFile);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

const cli = async (args: string[], token: string, url = stack.url) => {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "packages/cli/src/main.ts", ...args], {
      env: { ...process.env, ARTIFACT_STORE_URL: url, ARTIFACT_STORE_TOKEN: token },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

it("an operator creates, lists and revokes API keys, and verifies the audit trail, from the CLI", async () => {
  const admin = await stack.tokenFor("cli-admin", ["admin"]);
  const created = await cli(
    ["keys", "create", "--subject", "nightly-crawler", "--name", "nightly", "--scopes", "upload,read"],
    admin,
  );
  expect(created.code).toBe(0);
  expect(created.stderr).toContain("not shown again");
  const key = JSON.parse(created.stdout) as { id: string; key: string; scopes: string[] };
  expect(key.scopes).toEqual(["upload", "read"]);

  const listed = await cli(["keys", "list"], admin);
  expect(JSON.parse(listed.stdout).map((k: { id: string }) => k.id)).toContain(key.id);
  expect(listed.stdout).not.toContain(key.key);

  expect((await cli(["keys", "revoke", key.id], admin)).stdout).toContain(`revoked ${key.id}`);
  const refused = await cli(["keys", "list"], key.key);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("401 api_key_revoked");

  const verified = await cli(["audit", "verify"], admin);
  expect(verified.code).toBe(0);
  expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });

  const notAdmin = await cli(["keys", "list"], await stack.tokenFor("cli-user"));
  expect(notAdmin.stderr).toContain("403 insufficient_scope");
});

it("an operator takes a backup, lists it and restores from it, dry run first, from the CLI", async () => {
  // Backups sweep the whole catalogue: a stack with a catalogue of its own.
  const own = await startTestStack({}, { ownDatabase: true });
  try {
    const admin = await own.tokenFor("cli-backup-admin", ["admin"]);
    const alice = await own.clientFor("cli-alice");
    const bob = await own.clientFor("cli-bob");
    const kept = await alice.upload(randomBytesOf(100), { filename: "a.txt", contentType: "text/plain" });
    const lost = await alice.upload(randomBytesOf(101), {
      filename: "b.txt",
      contentType: "text/plain",
      tags: ["crawl:7"],
    });
    await bob.upload(randomBytesOf(102), { filename: "c.txt", contentType: "text/plain" });

    const taken = await cli(["backups", "now"], admin, own.url);
    expect(taken.code).toBe(0);
    const report = JSON.parse(taken.stdout) as BackupReport;
    expect(report.snapshot).toMatchObject({ artifacts: 3, copied: 3 });
    expect(taken.stderr).toContain(`snapshot ${report.snapshot.id}: 3 artifacts`);
    expect(taken.stderr).toContain("copied 3 objects");

    const listed = await cli(["backups", "list"], admin, own.url);
    expect((JSON.parse(listed.stdout) as BackupSnapshotView[]).map((snapshot) => snapshot.id)).toEqual([
      report.snapshot.id,
    ]);

    await alice.delete(lost.id);
    const dryRun = await cli(
      ["backups", "restore", report.snapshot.id, "--dry-run", "--owner", "cli-alice", "--tag", "crawl:7"],
      admin,
      own.url,
    );
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({
      dryRun: true,
      selected: 1,
      restored: 0,
      changes: [{ id: lost.id, action: "keep_newer" }],
    });
    expect(dryRun.stderr).toContain("nothing changed");
    await expect(alice.get(lost.id)).rejects.toMatchObject({ status: 404 });

    const restored = await cli(
      ["backups", "restore", report.snapshot.id, "--id", lost.id, "--id", kept.id, "--overwrite-newer"],
      admin,
      own.url,
    );
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout) as RestoreReport).toMatchObject({ selected: 2, mismatched: [] });
    expect(restored.stderr).toMatch(/2 selected .*records restored/);
    expect((await alice.get(lost.id)).state).toBe("verified");

    const notAdmin = await cli(["backups", "list"], await own.tokenFor("cli-alice"), own.url);
    expect(notAdmin.stderr).toContain("403 insufficient_scope");
    const noSnapshot = await cli(["backups", "restore"], admin, own.url);
    expect(noSnapshot.code).toBe(2);
  } finally {
    await own.close();
  }
});
