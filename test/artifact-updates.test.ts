import { randomUUID } from "node:crypto";
import type { ArtifactHistory, ArtifactView } from "@artifact-store/api";
import type { ArtifactStoreClient } from "@artifact-store/client";
import { GetObjectCommand, GetObjectTaggingCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytesOf, startTestStack, type TestStack } from "./support/stack";

// Changing an artifact's metadata, tags and visibility: versions, If-Match, history, sidecar.

let stack: TestStack;
const run = randomUUID().slice(0, 8);
const OWNER = `edit-owner-${run}`;
let owner: ArtifactStoreClient;
let ownerToken: string;

beforeAll(async () => {
  stack = await startTestStack();
  owner = await stack.clientFor(OWNER);
  ownerToken = await stack.tokenFor(OWNER);
});
afterAll(() => stack?.close());

const fresh = () =>
  owner.upload(randomBytesOf(20), {
    filename: "page.html",
    contentType: "text/html",
    tags: ["crawl:2026-11", "lang:en"],
    metadata: { title: "First title" },
  });

const patch = (id: string, body: unknown, headers: Record<string, string> = {}, token = ownerToken) =>
  stack.api(`/v1/artifacts/${id}`, { method: "PATCH", token, body: JSON.stringify(body), headers });

const sidecarOf = async (id: string) => {
  const object = await stack.s3.send(
    new GetObjectCommand({ Bucket: stack.bucket, Key: `metadata/artifacts/${id}/metadata.json` }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? "") as Record<string, unknown> & {
    version: number;
    contentSha256: string;
    artifact: ArtifactView;
  };
};

describe("PATCH /v1/artifacts/:id", () => {
  it("starts at version 1, sent as the ETag of GET", async () => {
    const artifact = await fresh();
    expect(artifact.version).toBe(1);
    const response = await stack.api(`/v1/artifacts/${artifact.id}`, { token: ownerToken });
    expect(response.headers.get("etag")).toBe('"1"');
  });

  it("replaces metadata and adds, removes and replaces tags, each change a new version", async () => {
    const artifact = await fresh();
    const first = await patch(artifact.id, {
      metadata: { title: "Second title", lang: "en" },
      tags: { add: ["Reviewed"], remove: ["lang:en"] },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toBe('"2"');
    expect(await first.json()).toMatchObject({
      version: 2,
      metadata: { title: "Second title", lang: "en" },
      tags: ["crawl:2026-11", "reviewed"],
    });
    const second = await owner.update(artifact.id, { tags: { replace: ["only"] }, visibility: "public" });
    expect(second).toMatchObject({ version: 3, tags: ["only"], visibility: "public" });
    expect(second.metadata).toEqual({ title: "Second title", lang: "en" });
    // Search sees the new tags and title straight away.
    const found = await owner.search({ tags: ["only"], owner: OWNER, q: "second" });
    expect(found.artifacts.map((a) => a.id)).toEqual([artifact.id]);
  });

  it("keeps the visibility-only body working", async () => {
    const artifact = await fresh();
    expect(await owner.setVisibility(artifact.id, "public")).toMatchObject({
      visibility: "public",
      version: 2,
    });
  });

  it("rejects bad tags, too many tags, bad metadata and empty changes with clear 400s", async () => {
    const artifact = await fresh();
    const cases: [unknown, string][] = [
      [{ tags: { add: ["has space"] } }, "invalid_tags"],
      [{ tags: { add: Array.from({ length: 49 }, (_, i) => `t${i}`) } }, "invalid_tags"],
      [
        { metadata: { deep: { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } } } },
        "metadata_too_deep",
      ],
      [{ metadata: [1, 2] }, "invalid_request"],
      [{ tags: { drop: ["x"] } }, "invalid_request"],
      [{}, "empty_update"],
    ];
    for (const [body, code] of cases) {
      const response = await patch(artifact.id, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect((await owner.get(artifact.id)).version).toBe(1);
  });

  it("honours If-Match: the current version passes, a stale one gets 412 with the current version", async () => {
    const artifact = await fresh();
    expect((await patch(artifact.id, { tags: { add: ["a"] } }, { "if-match": '"1"' })).status).toBe(200);
    const stale = await patch(artifact.id, { tags: { add: ["b"] } }, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({
      error: { code: "precondition_failed", details: { currentVersion: 2 } },
    });
    // Weak tags never match (strong comparison); * and no header apply to any version.
    expect((await patch(artifact.id, { tags: { add: ["b"] } }, { "if-match": 'W/"2"' })).status).toBe(412);
    expect((await patch(artifact.id, { tags: { add: ["b"] } }, { "if-match": '"7", "2"' })).status).toBe(200);
    expect((await patch(artifact.id, { tags: { add: ["c"] } }, { "if-match": "*" })).status).toBe(200);
    await expect(owner.update(artifact.id, { tags: { add: ["d"] } }, { ifMatch: 3 })).rejects.toMatchObject({
      status: 412,
      code: "precondition_failed",
    });
    expect(await owner.update(artifact.id, { tags: { add: ["d"] } }, { ifMatch: 4 })).toMatchObject({
      version: 5,
      tags: ["crawl:2026-11", "lang:en", "a", "b", "c", "d"],
    });
  });

  it("of concurrent writers holding the same version, exactly one wins; no add is lost without If-Match", async () => {
    const artifact = await fresh();
    const guarded = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        patch(artifact.id, { tags: { add: [`g${i}`] } }, { "if-match": '"1"' }),
      ),
    );
    expect(guarded.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412, 412]);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) => owner.update(artifact.id, { tags: { add: [`u${i}`] } })),
    );
    const now = await owner.get(artifact.id);
    expect(now.version).toBe(8);
    for (let i = 0; i < 6; i += 1) expect(now.tags).toContain(`u${i}`);
  });

  it("only the owner or an admin may change it; others get 404 or 403 as for the other manage routes", async () => {
    const artifact = await fresh();
    const stranger = await stack.tokenFor(`edit-stranger-${run}`);
    expect((await patch(artifact.id, { tags: { add: ["x"] } }, {}, stranger)).status).toBe(404);
    await owner.setVisibility(artifact.id, "public");
    expect((await patch(artifact.id, { tags: { add: ["x"] } }, {}, stranger)).status).toBe(403);
    expect((await stack.api(`/v1/artifacts/${artifact.id}/history`, { token: stranger })).status).toBe(403);
    const admin = await stack.tokenFor(`edit-admin-${run}`, ["admin"]);
    expect((await patch(artifact.id, { tags: { add: ["x"] } }, {}, admin)).status).toBe(200);
    expect((await stack.api(`/v1/artifacts/${artifact.id}/history`)).status).toBe(401);
  });
});

describe("history", () => {
  it("lists every version newest first, with who replaced each and when", async () => {
    const artifact = await fresh();
    await owner.update(artifact.id, { metadata: { title: "Two" } });
    const adminToken = await stack.tokenFor(`edit-admin-${run}`, ["admin"]);
    expect(
      (await patch(artifact.id, { visibility: "public", tags: { remove: ["lang:en"] } }, {}, adminToken))
        .status,
    ).toBe(200);
    const history = (await (
      await stack.api(`/v1/artifacts/${artifact.id}/history`, { token: ownerToken })
    ).json()) as ArtifactHistory;
    expect(history.artifactId).toBe(artifact.id);
    expect(history.versions).toMatchObject([
      {
        version: 3,
        metadata: { title: "Two" },
        tags: ["crawl:2026-11"],
        visibility: "public",
        replacedBy: null,
      },
      {
        version: 2,
        metadata: { title: "Two" },
        tags: ["crawl:2026-11", "lang:en"],
        visibility: "private",
        replacedBy: `user:edit-admin-${run}`,
      },
      {
        version: 1,
        metadata: { title: "First title" },
        tags: ["crawl:2026-11", "lang:en"],
        visibility: "private",
        replacedBy: `user:${OWNER}`,
      },
    ]);
    expect(Date.parse(history.versions[1]?.replacedAt ?? "")).toBeGreaterThanOrEqual(
      Date.parse(history.versions[2]?.replacedAt ?? ""),
    );
    expect(await owner.history(artifact.id)).toEqual(history);
  });

  it("is not there for artifacts the caller cannot see", async () => {
    const stranger = await stack.tokenFor(`edit-stranger-${run}`);
    const artifact = await fresh();
    expect((await stack.api(`/v1/artifacts/${artifact.id}/history`, { token: stranger })).status).toBe(404);
  });
});

describe("the sidecar", () => {
  it("is rewritten on every change, with the version and a hash of its own content", async () => {
    const { createHash } = await import("node:crypto");
    const { canonicalJson } = await import("@artifact-store/core");
    const artifact = await fresh();
    const before = await sidecarOf(artifact.id);
    expect(before.version).toBe(1);
    await owner.update(artifact.id, { metadata: { title: "Changed" }, tags: { add: ["new"] } });
    const after = await sidecarOf(artifact.id);
    expect(after).toMatchObject({ version: 2, artifact: { metadata: { title: "Changed" }, version: 2 } });
    expect(after.artifact.tags).toContain("new");
    const { contentSha256, ...content } = after;
    expect(contentSha256).toBe(createHash("sha256").update(canonicalJson(content)).digest("hex"));
    expect(contentSha256).not.toBe(before.contentSha256);
  });
});

describe("S3 object tags", () => {
  const objectTags = async (id: string) => {
    const artifact = await owner.get(id);
    const key = (await stack.keysUnder("artifacts/users/")).find((k) => k.includes(artifact.id)) ?? "";
    const answer = await stack.s3.send(new GetObjectTaggingCommand({ Bucket: stack.bucket, Key: key }));
    return Object.fromEntries((answer.TagSet ?? []).map((tag) => [tag.Key, tag.Value]));
  };

  it("mirror the first 10 tags after completion and on every tag change", async () => {
    const tags = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, "0")}`);
    const artifact = await owner.upload(randomBytesOf(10), { filename: "tagged.bin", tags });
    expect(await objectTags(artifact.id)).toEqual(
      Object.fromEntries(tags.slice(0, 10).map((t) => [t, "true"])),
    );
    await owner.update(artifact.id, { tags: { replace: ["retention:30d", "crawl:2026-11"] } });
    expect(await objectTags(artifact.id)).toEqual({ "retention:30d": "true", "crawl:2026-11": "true" });
    await owner.update(artifact.id, { tags: { replace: [] } });
    expect(await objectTags(artifact.id)).toEqual({});
  });
});
