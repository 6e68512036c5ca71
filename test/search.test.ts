import { randomUUID } from "node:crypto";
import type { ArtifactView, SearchPage } from "@artifact-store/api";
import type { ArtifactStoreClient, SearchOptions } from "@artifact-store/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytesOf, startTestStack, type TestStack } from "./support/stack";

// Search as its users see it, on a seeded catalogue. The PostgreSQL project shares one database
// across runs, so every search here is scoped by users and a tag of this run.

let stack: TestStack;
const run = randomUUID().slice(0, 8);
const RUN = `run:${run}`;
const A = `search-a-${run}`;
const B = `search-b-${run}`;
const STRANGER = `search-c-${run}`;
const ADMIN = `search-admin-${run}`;

let alice: ArtifactStoreClient;
let bob: ArtifactStoreClient;
const seeded: Record<string, ArtifactView> = {};

const upload = async (
  client: ArtifactStoreClient,
  name: string,
  size: number,
  options: Parameters<ArtifactStoreClient["upload"]>[1],
) => {
  seeded[name] = await client.upload(randomBytesOf(size), { filename: name, ...options });
  return seeded[name];
};

beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.clientFor(A);
  bob = await stack.clientFor(B);
  // Sequential, so creation order (and createdAt) is the seeding order.
  await upload(alice, "pricing-page.html", 100, {
    contentType: "text/html; charset=utf-8",
    tags: [RUN, "crawl:2026-11", "lang:en"],
    metadata: { title: "Pricing plans for teams", lang: "en", site: { section: "pricing" } },
    provenance: {
      sourceUrl: "https://Shop.Example.com/pricing?ref=1",
      finalUrl: "https://shop.example.com/pricing",
      httpStatus: 200,
      fetchedAt: "2026-11-01T10:00:00Z",
      jobId: "job-1",
      runId: "run-1",
      userAgent: "crawler/1.0",
      headers: { "Content-Type": "text/html", Server: "nginx" },
    },
  });
  await upload(alice, "logo.png", 300, {
    contentType: "image/png",
    tags: [RUN, "crawl:2026-11", "asset"],
    metadata: { lang: "en" },
    visibility: "public",
    provenance: {
      sourceUrl: "https://shop.example.com/static/logo.png",
      httpStatus: 200,
      fetchedAt: "2026-11-01T10:05:00Z",
      jobId: "job-1",
      runId: "run-1",
    },
  });
  await upload(alice, "screenshot.jpeg", 200, {
    contentType: "image/jpeg",
    tags: [RUN, "crawl:2026-12", "screenshot"],
    metadata: { title: "Hello world post" },
    provenance: {
      sourceUrl: "https://blog.example.org/post/1",
      httpStatus: 404,
      fetchedAt: new Date("2026-12-05T00:00:00Z"),
      jobId: "job-2",
      runId: "run-2",
    },
  });
  await upload(bob, "report.pdf", 50, {
    contentType: "application/pdf",
    tags: [RUN, "crawl:2026-11"],
    metadata: { lang: "en" },
    provenance: { sourceUrl: "https://docs.example.net/report.pdf", fetchedAt: "2026-11-02T00:00:00Z" },
  });
  await upload(bob, "public-data.json", 400, {
    contentType: "application/json",
    tags: [RUN, "data"],
    visibility: "public",
  });
  await upload(bob, "shared-notes.txt", 10, { contentType: "text/plain", tags: [RUN] });
  await bob.grant(seeded["shared-notes.txt"]?.id as string, A);
  // A pending upload and a deleted artifact of Alice's.
  const pending = await stack.api("/v1/uploads", {
    method: "POST",
    token: await stack.tokenFor(A),
    body: JSON.stringify({
      filename: "unfinished.bin",
      contentType: "application/octet-stream",
      size: 5,
      tags: [RUN],
    }),
  });
  expect(pending.status).toBe(201);
  seeded["unfinished.bin"] = await alice.get(((await pending.json()) as { artifactId: string }).artifactId);
  await upload(alice, "gone.txt", 5, { contentType: "text/plain", tags: [RUN] });
  await alice.delete(seeded["gone.txt"]?.id as string);
});
afterAll(() => stack?.close());

/** Raw search as a user (or anonymously), asserting 200. */
const searchAs = async (user: string | null, query: Record<string, string>): Promise<SearchPage> => {
  const response = await stack.api(`/v1/artifacts?${new URLSearchParams({ tags: RUN, ...query })}`, {
    ...(user ? { token: await stack.tokenFor(user, user === ADMIN ? ["admin"] : []) } : {}),
  });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as SearchPage;
};

const names = (page: SearchPage) => page.artifacts.map((artifact) => artifact.filename);
const sorted = (page: SearchPage) => names(page).sort();

describe("who sees what", () => {
  it("the owner sees their own, the public ones and those shared with them, newest first", async () => {
    expect(names(await searchAs(A, {}))).toEqual([
      "shared-notes.txt",
      "public-data.json",
      "screenshot.jpeg",
      "logo.png",
      "pricing-page.html",
    ]);
    expect(sorted(await searchAs(B, {}))).toEqual([
      "logo.png",
      "public-data.json",
      "report.pdf",
      "shared-notes.txt",
    ]);
  });

  it("strangers and anonymous callers see only public artifacts, whatever they filter on", async () => {
    expect(sorted(await searchAs(STRANGER, {}))).toEqual(["logo.png", "public-data.json"]);
    expect(sorted(await searchAs(null, {}))).toEqual(["logo.png", "public-data.json"]);
    const report = seeded["report.pdf"] as ArtifactView;
    expect(names(await searchAs(STRANGER, { sha256: report.sha256 as string }))).toEqual([]);
    expect(names(await searchAs(null, { q: "report" }))).toEqual([]);
    expect(names(await searchAs(STRANGER, { state: "pending,deleted" }))).toEqual([]);
    const counted = await searchAs(STRANGER, { count: "true" });
    expect(counted.total).toBe(2);
  });

  it("admins see everything and may filter by owner; others may only name themselves", async () => {
    expect((await searchAs(ADMIN, { count: "true" })).total).toBe(6);
    expect(sorted(await searchAs(ADMIN, { owner: A }))).toEqual([
      "logo.png",
      "pricing-page.html",
      "screenshot.jpeg",
    ]);
    expect(sorted(await searchAs(A, { owner: A }))).toEqual([
      "logo.png",
      "pricing-page.html",
      "screenshot.jpeg",
    ]);
    const response = await stack.api(`/v1/artifacts?owner=${B}`, { token: await stack.tokenFor(A) });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "owner_filter_forbidden" } });
  });

  it("pending and deleted artifacts appear only when asked for, and only to their owner", async () => {
    expect(names(await searchAs(A, { state: "pending" }))).toEqual(["unfinished.bin"]);
    expect(names(await searchAs(A, { state: "deleted" }))).toEqual(["gone.txt"]);
    expect(names(await searchAs(B, { state: "pending,deleted" }))).toEqual([]);
    expect(sorted(await searchAs(ADMIN, { state: "pending,deleted" }))).toEqual([
      "gone.txt",
      "unfinished.bin",
    ]);
  });

  it("a revoked grant takes the artifact out of the grantee's results", async () => {
    const notes = seeded["shared-notes.txt"] as ArtifactView;
    const brief = `brief:${run}`;
    const extra = await bob.upload(randomBytesOf(4), { filename: "briefly-shared.txt", tags: [brief] });
    await bob.grant(extra.id, A);
    expect(names(await searchAs(A, { tags: brief }))).toEqual(["briefly-shared.txt"]);
    await bob.revokeGrant(extra.id, A);
    expect(names(await searchAs(A, { tags: brief }))).toEqual([]);
    await bob.grant(extra.id, A, new Date(Date.now() + 1500));
    expect(names(await searchAs(A, { tags: brief }))).toEqual(["briefly-shared.txt"]);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect(names(await searchAs(A, { tags: brief }))).toEqual([]);
    expect(names(await searchAs(A, { q: "notes" }))).toEqual([notes.filename]);
  });
  it("the next search after an edit of tags or visibility sees the edit", async () => {
    const edited = `edited:${run}`;
    const moved = `moved:${run}`;
    const artifact = await bob.upload(randomBytesOf(6), {
      filename: "edited.txt",
      contentType: "text/plain",
      tags: [edited],
    });
    expect(names(await searchAs(STRANGER, { tags: edited }))).toEqual([]);
    await bob.update(artifact.id, { visibility: "public" });
    expect(names(await searchAs(STRANGER, { tags: edited }))).toEqual(["edited.txt"]);
    expect(names(await searchAs(null, { tags: edited, contentType: "text/*" }))).toEqual(["edited.txt"]);
    const updated = await bob.update(artifact.id, { tags: { add: [moved], remove: [edited] } });
    expect(names(await searchAs(STRANGER, { tags: edited }))).toEqual([]);
    expect(names(await searchAs(STRANGER, { tags: moved }))).toEqual(["edited.txt"]);
    // A result is the artifact as GET shows it: its version (for If-Match) and expiry included.
    const [found] = (await searchAs(B, { tags: moved })).artifacts;
    expect(found).toEqual(await bob.get(artifact.id));
    expect(found?.version).toBe(updated.version);
    await bob.delete(artifact.id);
    expect(names(await searchAs(STRANGER, { tags: moved }))).toEqual([]);
    expect(names(await searchAs(B, { tags: moved, state: "deleted" }))).toEqual(["edited.txt"]);
  });
});

describe("filters", () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ["all of several tags", { tags: `${RUN},crawl:2026-11` }, ["logo.png", "pricing-page.html"]],
    ["any of several tags", { tagsAny: "screenshot,asset" }, ["logo.png", "screenshot.jpeg"]],
    [
      "none of some tags",
      { tagsNone: "crawl:2026-11,Crawl:2026-12" },
      ["public-data.json", "shared-notes.txt"],
    ],
    ["a content type, ignoring its parameters", { contentType: "text/html" }, ["pricing-page.html"]],
    ["a content type family", { contentType: "image/*" }, ["logo.png", "screenshot.jpeg"]],
    ["visibility", { visibility: "public" }, ["logo.png", "public-data.json"]],
    [
      "a size range",
      { minSize: "100", maxSize: "300" },
      ["logo.png", "pricing-page.html", "screenshot.jpeg"],
    ],
    [
      "a fetched-at range",
      { fetchedFrom: "2026-11-01T00:00:00Z", fetchedTo: "2026-12-01T00:00:00Z" },
      ["logo.png", "pricing-page.html"],
    ],
    ["a source URL, exactly", { sourceUrl: "https://shop.example.com/pricing?ref=1" }, ["pricing-page.html"]],
    ["a source URL prefix", { sourceUrlPrefix: "https://shop.example.com/static/" }, ["logo.png"]],
    ["a source URL prefix with LIKE wildcards", { sourceUrlPrefix: "https://shop%" }, []],
    ["a source host", { sourceHost: "SHOP.example.com" }, ["logo.png", "pricing-page.html"]],
    ["a job id", { jobId: "job-1" }, ["logo.png", "pricing-page.html"]],
    ["a run id", { runId: "run-2" }, ["screenshot.jpeg"]],
    ["an HTTP status", { httpStatus: "404" }, ["screenshot.jpeg"]],
    ["metadata containment", { metadata: '{"lang":"en"}' }, ["logo.png", "pricing-page.html"]],
    ["nested metadata containment", { metadata: '{"site":{"section":"pricing"}}' }, ["pricing-page.html"]],
    ["free text in a title", { q: "pricing plans" }, ["pricing-page.html"]],
    ["free text, stemmed", { q: "posts" }, ["screenshot.jpeg"]],
    ["free text in a filename", { q: "logo" }, ["logo.png"]],
    ["free text on a source host", { q: "example.org" }, ["screenshot.jpeg"]],
    ["free text on a word of a URL", { q: "shop" }, ["logo.png", "pricing-page.html"]],
    ["free text with an exclusion", { q: "shop -logo" }, ["pricing-page.html"]],
    ["a quoted phrase", { q: '"pricing plans"' }, ["pricing-page.html"]],
    ["a quoted phrase, words in another order", { q: '"plans pricing"' }, []],
    ["a quoted phrase over a stop word", { q: '"plans for teams"' }, ["pricing-page.html"]],
    ["a quoted phrase, excluded", { q: 'shop - "pricing plans"' }, ["logo.png"]],
    ["a quoted phrase as one alternative", { q: '"plans pricing" or logo' }, ["logo.png"]],
    ["quoted phrases glued to an or", { q: '"pricing plans"or"no such words"' }, ["pricing-page.html"]],
    ["several filters at once", { tags: RUN, contentType: "image/*", jobId: "job-1" }, ["logo.png"]],
  ];

  it.each(cases)("%s", async (_name, query, expected) => {
    expect(sorted(await searchAs(A, query))).toEqual(expected);
  });

  it("by SHA-256", async () => {
    const logo = seeded["logo.png"] as ArtifactView;
    expect(names(await searchAs(STRANGER, { sha256: (logo.sha256 as string).toUpperCase() }))).toEqual([
      "logo.png",
    ]);
  });

  it("by creation time: from inclusive, to exclusive", async () => {
    const screenshot = seeded["screenshot.jpeg"] as ArtifactView;
    const shared = seeded["shared-notes.txt"] as ArtifactView;
    expect(
      sorted(await searchAs(A, { createdFrom: screenshot.createdAt, createdTo: shared.createdAt })),
    ).toEqual(["public-data.json", "screenshot.jpeg"]);
  });

  it("returns crawl provenance with the artifact", async () => {
    const [page] = (await searchAs(A, { jobId: "job-1", contentType: "text/html" })).artifacts;
    expect(page?.provenance).toEqual({
      sourceUrl: "https://shop.example.com/pricing?ref=1",
      finalUrl: "https://shop.example.com/pricing",
      httpStatus: 200,
      fetchedAt: "2026-11-01T10:00:00.000Z",
      jobId: "job-1",
      runId: "run-1",
      userAgent: "crawler/1.0",
      headers: { "content-type": "text/html", server: "nginx" },
    });
    expect((await alice.get(page?.id as string)).provenance).toEqual(page?.provenance);
    expect((await searchAs(A, { q: "notes" })).artifacts[0]?.provenance).toBeNull();
  });

  it("sorts by size and by name, either way", async () => {
    const sizes = (page: SearchPage) => page.artifacts.map((artifact) => artifact.size);
    expect(sizes(await searchAs(A, { sort: "size" }))).toEqual([400, 300, 200, 100, 10]);
    expect(sizes(await searchAs(A, { sort: "size", order: "asc" }))).toEqual([10, 100, 200, 300, 400]);
    expect(names(await searchAs(A, { sort: "filename" }))).toEqual([
      "logo.png",
      "pricing-page.html",
      "public-data.json",
      "screenshot.jpeg",
      "shared-notes.txt",
    ]);
    expect(names(await searchAs(A, { sort: "filename", order: "desc" }))[0]).toBe("shared-notes.txt");
  });

  it("refuses bad filters with a clear 400", async () => {
    const token = await stack.tokenFor(A);
    for (const [query, code] of [
      ["tags=Not%20A%20Tag!", "invalid_tags"],
      ["metadata=%5B1%5D", "invalid_metadata_filter"],
      ["metadata=nope", "invalid_metadata_filter"],
      ["state=lost", "invalid_request"],
      ["contentType=html", "invalid_request"],
      ["limit=0", "invalid_request"],
      ["sort=owner", "invalid_request"],
      ["createdFrom=yesterday", "invalid_request"],
      ["cursor=bm9wZQ", "invalid_cursor"],
      ["colour=blue", "invalid_request"],
    ] as const) {
      const response = await stack.api(`/v1/artifacts?${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code, query).toBe(code);
    }
  });
});

describe("cursor pagination", () => {
  const pageThrough = async (
    client: ArtifactStoreClient,
    query: SearchOptions,
    during?: (page: number) => Promise<void>,
  ) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages += 1) {
      const [page] = await Promise.all([
        client.search({ ...query, ...(cursor ? { cursor } : {}) }),
        during?.(pages),
      ]);
      seen.push(...page.artifacts.map((artifact) => artifact.id));
      if (!page.nextCursor) return seen;
      cursor = page.nextCursor;
    }
    throw new Error("too many pages");
  };

  it("pages through exactly what one big page holds", async () => {
    const all = await alice.search({ tags: [RUN], limit: 100 });
    expect(all.nextCursor).toBeNull();
    for (const sort of ["createdAt", "size", "filename"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const whole = (await alice.search({ tags: [RUN], sort, order })).artifacts.map((a) => a.id);
        expect(await pageThrough(alice, { tags: [RUN], sort, order, limit: 2 })).toEqual(whole);
      }
    }
  });

  it("never skips or repeats an artifact while others are being added", async () => {
    const tag = `paging:${run}`;
    const owner = await stack.clientFor(`search-pager-${run}`);
    const sizes = [5, 7, 7, 7, 3, 9, 1, 7, 2, 8, 7, 4, 6, 7, 5, 5];
    const originals = new Set<string>();
    for (const [index, size] of sizes.entries()) {
      const artifact = await owner.upload(randomBytesOf(size), {
        filename: `p-${String.fromCharCode(97 + ((index * 7) % 26))}-${index}.bin`,
        tags: [tag],
      });
      originals.add(artifact.id);
    }
    let added = 0;
    // Inserts land ahead of the cursor too (ascending time), so they stop after a few pages.
    const addTwo = async (page: number) => {
      if (page >= 4) return;
      await Promise.all(
        [0, 1].map(() =>
          owner.upload(randomBytesOf(1 + (added++ % 9)), {
            filename: `p-${randomUUID().slice(0, 6)}.bin`,
            tags: [tag],
          }),
        ),
      );
    };
    for (const sort of ["createdAt", "size", "filename"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const seen = await pageThrough(owner, { tags: [tag], sort, order, limit: 3 }, addTwo);
        expect(new Set(seen).size, `${sort} ${order}: repeats`).toBe(seen.length);
        for (const id of originals) expect(seen, `${sort} ${order}: skipped ${id}`).toContain(id);
      }
    }
    expect(added).toBeGreaterThan(0);
  });

  it("a cursor only continues the search it came from", async () => {
    const page = await alice.search({ tags: [RUN], limit: 1 });
    expect(page.nextCursor).not.toBeNull();
    const cursor = page.nextCursor as string;
    const token = await stack.tokenFor(A);
    for (const query of [`tags=${RUN},asset`, `tags=${RUN}&sort=size`, `tags=${RUN}&order=asc`]) {
      const response = await stack.api(`/v1/artifacts?${query}&cursor=${cursor}`, { token });
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "cursor_mismatch" } });
    }
  });
});
