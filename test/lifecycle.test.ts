import { randomUUID } from "node:crypto";
import type { ArtifactView, BackupReport, ErrorBody, ExpiryRunView } from "@artifact-store/api";
import type { ArtifactStoreClient } from "@artifact-store/client";
import type { Runtime } from "@artifact-store/runtime";
import { backupsOf, reindexOf } from "@artifact-store/runtime/storage";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytesOf, runtimeWithEmptyCatalogue, startTestStack, type TestStack } from "./support/stack";

// Artifact lifecycle: an expiry per artifact, deleted by the expiry job; a legal hold that no
// delete, by owner, admin or expiry, gets past until an admin releases it.

let stack: TestStack;
const run = randomUUID().slice(0, 8);
const OWNER = `life-owner-${run}`;
let owner: ArtifactStoreClient;
let ownerToken: string;
let adminToken: string;

beforeAll(async () => {
  // The expiry job sweeps the whole catalogue: no other test file's artifacts in it.
  stack = await startTestStack({}, { ownDatabase: true });
  owner = await stack.clientFor(OWNER);
  ownerToken = await stack.tokenFor(OWNER);
  adminToken = await stack.tokenFor(`life-admin-${run}`, ["admin"]);
});
afterAll(() => stack?.close());

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const fresh = (name = "page.html", options: { expiresAt?: string } = {}) =>
  owner.upload(randomBytesOf(64), { filename: name, contentType: "text/html", ...options });

const patch = (id: string, body: unknown, token = ownerToken) =>
  stack.api(`/v1/artifacts/${id}`, { method: "PATCH", token, body: JSON.stringify(body) });

const remove = (id: string, token = ownerToken) =>
  stack.api(`/v1/artifacts/${id}`, { method: "DELETE", token });

const view = async (id: string, token = ownerToken) => {
  const response = await stack.api(`/v1/artifacts/${id}`, { token });
  return { status: response.status, body: (await response.json()) as ArtifactView & ErrorBody };
};

const expire = async (token = adminToken) => {
  const response = await stack.api("/v1/admin/lifecycle/expire", { method: "POST", token });
  return { status: response.status, body: (await response.json()) as ExpiryRunView & ErrorBody };
};

const objectExists = async (key: string): Promise<boolean> => {
  try {
    await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
};

const objectKeyOf = async (id: string) =>
  ((await stack.runtime.catalog.findArtifact(id))?.objectKey ?? "") as string;

const sidecarOf = async (id: string) => {
  const object = await stack.s3.send(
    new GetObjectCommand({ Bucket: stack.bucket, Key: `metadata/artifacts/${id}/metadata.json` }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? "") as {
    artifact: ArtifactView;
    deletedAt?: string;
  };
};

/** Expires as soon as the test has set it up; waits until it has. */
const expireSoon = async (ids: string[]) => {
  const at = inMs(1500);
  for (const id of ids) expect((await patch(id, { expiresAt: at })).status).toBe(200);
  await sleep(Math.max(0, new Date(at).getTime() - Date.now() + 100));
};

describe("setting an expiry", () => {
  it("is refused in the past, too far ahead, or not as a time (400)", async () => {
    const past = await stack.api("/v1/uploads", {
      method: "POST",
      token: ownerToken,
      body: JSON.stringify({
        filename: "a.txt",
        contentType: "text/plain",
        size: 1,
        expiresAt: inMs(-60_000),
      }),
    });
    expect(past.status).toBe(400);
    expect(((await past.json()) as ErrorBody).error).toMatchObject({
      code: "invalid_expiry",
      message: expect.stringContaining("future"),
    });

    const artifact = await fresh();
    const pastPatch = await patch(artifact.id, { expiresAt: inMs(-1000) });
    expect(pastPatch.status).toBe(400);
    expect(((await pastPatch.json()) as ErrorBody).error.code).toBe("invalid_expiry");
    const tooFar = await patch(artifact.id, { expiresAt: inMs(11 * 366 * DAY) });
    expect(tooFar.status).toBe(400);
    expect(((await tooFar.json()) as ErrorBody).error.message).toContain("10 years");
    const notATime = await patch(artifact.id, { expiresAt: "next tuesday" });
    expect(notATime.status).toBe(400);
    // Nothing changed.
    expect((await view(artifact.id)).body).toMatchObject({ version: 1, expiresAt: null, legalHold: null });
  });

  it("is taken at upload, changed and cleared by the owner, and kept in the sidecar", async () => {
    const at = inMs(7 * DAY);
    const artifact = await fresh("expiring.html", { expiresAt: at });
    expect(artifact.expiresAt).toBe(at);
    expect((await sidecarOf(artifact.id)).artifact.expiresAt).toBe(at);

    const later = inMs(30 * DAY);
    const changed = await patch(artifact.id, { expiresAt: later });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ expiresAt: later, version: 2 });
    const cleared = await owner.update(artifact.id, { expiresAt: null }, { ifMatch: 2 });
    expect(cleared).toMatchObject({ expiresAt: null, version: 3 });
    expect((await sidecarOf(artifact.id)).artifact.expiresAt).toBeNull();
    // A stale If-Match is refused as for any other change.
    expect(
      (
        await stack.api(`/v1/artifacts/${artifact.id}`, {
          method: "PATCH",
          token: ownerToken,
          headers: { "if-match": '"2"' },
          body: JSON.stringify({ expiresAt: later }),
        })
      ).status,
    ).toBe(412);
  });
});

describe("legal hold", () => {
  it("only admins set or release it (403 for the owner)", async () => {
    const artifact = await fresh();
    const byOwner = await patch(artifact.id, { legalHold: true });
    expect(byOwner.status).toBe(403);
    expect(((await byOwner.json()) as ErrorBody).error.code).toBe("legal_hold_admin_only");
    const otherUser = await patch(artifact.id, { legalHold: true }, await stack.tokenFor(`other-${run}`));
    expect(otherUser.status).toBe(404);

    const held = await patch(artifact.id, { legalHold: true, legalHoldReason: "case 2026-117" }, adminToken);
    expect(held.status).toBe(200);
    expect(((await held.json()) as ArtifactView).legalHold).toMatchObject({
      setBy: `user:life-admin-${run}`,
      reason: "case 2026-117",
    });
    const release = await patch(artifact.id, { legalHold: false });
    expect(release.status).toBe(403);
    expect((await view(artifact.id)).body.legalHold).toMatchObject({ reason: "case 2026-117" });
    // The owner still sees the hold, and may still change what a hold does not protect.
    expect((await patch(artifact.id, { metadata: { note: "kept" } })).status).toBe(200);
  });

  it("blocks deletion by the owner and by an admin (409 legal_hold) until released", async () => {
    const artifact = await fresh();
    const key = await objectKeyOf(artifact.id);
    expect((await patch(artifact.id, { legalHold: true }, adminToken)).status).toBe(200);

    for (const token of [ownerToken, adminToken]) {
      const refused = await remove(artifact.id, token);
      expect(refused.status).toBe(409);
      const { error } = (await refused.json()) as ErrorBody;
      expect(error.code).toBe("legal_hold");
      expect(error.message).toContain("legal hold");
    }
    expect(await objectExists(key)).toBe(true);
    expect((await view(artifact.id)).body.state).toBe("verified");
    const download = await stack.api(`/v1/artifacts/${artifact.id}/download`, { token: ownerToken });
    expect(download.status).toBe(302);

    expect((await patch(artifact.id, { legalHold: false }, adminToken)).status).toBe(200);
    expect((await view(artifact.id)).body.legalHold).toBeNull();
    expect((await remove(artifact.id)).status).toBe(204);
    expect(await objectExists(key)).toBe(false);
    expect((await view(artifact.id)).status).toBe(404);
  });

  it("a hold asked for while a delete runs either wins entirely or finds the artifact gone", async () => {
    // The delete starts later each round: from racing the hold to coming well after it.
    for (const [round, delay] of [0, 10, 30, 100, 300].entries()) {
      const artifact = await fresh(`race-${round}.html`);
      const key = await objectKeyOf(artifact.id);
      const [deleted, held] = await Promise.all([
        sleep(delay).then(() => remove(artifact.id)),
        patch(artifact.id, { legalHold: true }, adminToken),
      ]);
      if (held.status === 200) {
        // The hold came first: the delete was refused and nothing is gone.
        expect(deleted.status).toBe(409);
        expect(await objectExists(key)).toBe(true);
        expect((await view(artifact.id)).body.legalHold).not.toBeNull();
      } else {
        expect(held.status).toBe(404);
        expect(deleted.status).toBe(204);
        expect(await objectExists(key)).toBe(false);
      }
    }
  });
});

describe("the expiry job", () => {
  it("is for admins only", async () => {
    expect((await expire(ownerToken)).status).toBe(403);
  });

  it("deletes expired artifacts, keeps unexpired and held ones, and says what it did", async () => {
    const expired = await fresh("expired.html");
    const held = await fresh("held.html");
    const later = await fresh("later.html", { expiresAt: inMs(DAY) });
    const keep = await fresh("keep.html");
    const keys = {
      expired: await objectKeyOf(expired.id),
      held: await objectKeyOf(held.id),
      later: await objectKeyOf(later.id),
      keep: await objectKeyOf(keep.id),
    };
    expect((await patch(held.id, { legalHold: true }, adminToken)).status).toBe(200);
    // Shortening the expiry of a held artifact is allowed; it applies once the hold is released.
    await expireSoon([expired.id, held.id]);

    const first = await expire();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ deleted: 1, failed: 0, more: false });
    expect(first.body.expired.map((entry) => entry.artifactId)).toEqual([expired.id]);

    // What a user sees of the expired one: gone, as after a delete.
    expect((await view(expired.id)).status).toBe(404);
    expect((await stack.api(`/v1/artifacts/${expired.id}/download`, { token: ownerToken })).status).toBe(404);
    expect(await objectExists(keys.expired)).toBe(false);
    const sidecar = await sidecarOf(expired.id);
    expect(sidecar.artifact.state).toBe("deleted");
    expect(sidecar.deletedAt).toBeDefined();
    for (const id of [held.id, later.id, keep.id]) expect((await view(id)).body.state).toBe("verified");
    for (const key of [keys.held, keys.later, keys.keep]) expect(await objectExists(key)).toBe(true);

    // Subscribers hear of it, and the audit trail names the job.
    const [event] = await stack.runtime.catalog.db.query<{ type: string; payload: unknown }>(
      "select type, payload from webhook_events where artifact_id = $1 and type = 'artifact.deleted'",
      [expired.id],
    );
    const payload = (typeof event?.payload === "string" ? JSON.parse(event.payload) : event?.payload) as {
      data: { reason?: string };
    };
    expect(payload.data.reason).toBe("expired");
    const audit = await stack.api(`/v1/audit?artifactId=${expired.id}&action=expireArtifact`, {
      token: adminToken,
    });
    const { events } = (await audit.json()) as {
      events: { actor: string; outcome: string; reason: string | null }[];
    };
    expect(events).toMatchObject([{ actor: "system:expiry", outcome: "allowed", reason: "expired" }]);

    // A second run finds nothing more; released, the held one goes on the next run.
    expect((await expire()).body.deleted).toBe(0);
    expect((await patch(held.id, { legalHold: false }, adminToken)).status).toBe(200);
    const second = await expire();
    expect(second.body.expired.map((entry) => entry.artifactId)).toEqual([held.id]);
    expect(await objectExists(keys.held)).toBe(false);
    expect((await view(held.id)).status).toBe(404);
  });

  it("runs on many instances at once without deleting anything twice", async () => {
    const artifacts = await Promise.all(Array.from({ length: 6 }, (_, i) => fresh(`many-${i}.html`)));
    await expireSoon(artifacts.map((artifact) => artifact.id));
    const runs = await Promise.all([expire(), expire(), expire()]);
    const deleted = runs.flatMap((one) => one.body.expired.map((entry) => entry.artifactId));
    expect(deleted.sort()).toEqual(artifacts.map((artifact) => artifact.id).sort());
    expect(runs.reduce((sum, one) => sum + one.body.failed, 0)).toBe(0);
  });
});

describe("expiry and legal hold outlive the catalogue", () => {
  let rebuilt: Runtime;
  let closeRebuilt: () => Promise<void> = async () => {};
  afterAll(() => closeRebuilt());

  it("a reindex from the sidecars, and a restore from a backup, bring them back", async () => {
    const at = inMs(90 * DAY);
    const artifact = await fresh("kept-for-court.html", { expiresAt: at });
    expect(
      (await patch(artifact.id, { legalHold: true, legalHoldReason: "subpoena" }, adminToken)).status,
    ).toBe(200);
    const before = (await view(artifact.id)).body;
    const backup = await stack.api("/v1/admin/backups", { method: "POST", token: adminToken });
    expect(backup.status).toBe(200);
    const { snapshot } = (await backup.json()) as BackupReport;

    ({ runtime: rebuilt, close: closeRebuilt } = await runtimeWithEmptyCatalogue(stack));
    await reindexOf(rebuilt)();
    const reindexed = await rebuilt.catalog.findArtifact(artifact.id);
    expect(reindexed?.expiresAt?.toISOString()).toBe(at);
    expect(reindexed?.legalHold).toMatchObject({ reason: "subpoena", setBy: `user:life-admin-${run}` });
    expect(reindexed?.legalHold?.setAt.toISOString()).toBe(before.legalHold?.setAt);
    // Still held after the rebuild: the rebuilt catalogue refuses to delete it too.
    const outcome = await rebuilt.catalog.deleteArtifact(artifact.id, new Date(), async () => {});
    expect(outcome.kind).toBe("held");

    // Restore the snapshot over the rebuilt catalogue, replacing what reindex wrote.
    const report = await backupsOf(rebuilt).restore(snapshot.id, {
      ids: [artifact.id],
      overwriteNewer: true,
    });
    expect(report).toMatchObject({ selected: 1, restored: 1, mismatched: [] });
    const restored = await rebuilt.catalog.findArtifact(artifact.id);
    expect(restored?.expiresAt?.toISOString()).toBe(at);
    expect(restored?.legalHold?.reason).toBe("subpoena");
  });
});
