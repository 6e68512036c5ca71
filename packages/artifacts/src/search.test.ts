import type { SearchRequest, SearchResult } from "@artifact-store/catalog";
import type { Principal, SearchCriteria } from "@artifact-store/core";
import { describe, expect, it } from "vitest";
import { ArtifactSearch, SEARCH_DEFAULT_LIMIT } from "./search";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const alice: Principal = { kind: "user", id: "alice", roles: [], scopes: ["read", "upload", "write"] };
const admin: Principal = { kind: "user", id: "root", roles: ["admin"], scopes: ["read", "admin"] };
const anonymous: Principal = { kind: "anonymous", id: null, roles: [], scopes: ["read"] };
const ID = "0b9e2f4c-1d2a-4e6b-9c3d-5f7a8b9c0d1e";

/** Records the catalogue requests the search makes, answering each with `result`. */
const searchWith = (result: SearchResult = { artifacts: [], next: null }) => {
  const requests: SearchRequest[] = [];
  const search = new ArtifactSearch(
    {
      search: async (request) => {
        requests.push(request);
        return result;
      },
    },
    () => NOW,
  );
  return { search, requests };
};

const requestFor = async (principal: Principal, criteria: Omit<SearchCriteria, "count">) => {
  const { search, requests } = searchWith();
  await search.search(principal, { count: false, ...criteria });
  return requests[0] as SearchRequest;
};

describe("search criteria as a catalogue request", () => {
  it("defaults: uploaded and verified, newest first, the default page size, the caller as viewer", async () => {
    expect(await requestFor(alice, {})).toEqual({
      filter: { states: ["uploaded", "verified"] },
      viewer: { kind: "user", id: "alice" },
      sort: "createdAt",
      order: "desc",
      limit: SEARCH_DEFAULT_LIMIT,
      count: false,
      now: NOW,
    });
  });

  it("sorts by filename A to Z unless told otherwise", async () => {
    expect(await requestFor(alice, { sort: "filename" })).toMatchObject({ sort: "filename", order: "asc" });
    expect(await requestFor(alice, { sort: "filename", order: "desc" })).toMatchObject({ order: "desc" });
  });

  it("views admins as admins and the anonymous as anonymous", async () => {
    expect((await requestFor(admin, {})).viewer).toEqual({ kind: "admin" });
    expect((await requestFor(anonymous, {})).viewer).toEqual({ kind: "anonymous" });
  });

  it("splits the text at punctuation as the index does, and leaves operators alone", async () => {
    const { filter } = await requestFor(alice, { text: 'example.org shared-notes -"red car" or x' });
    expect(filter.text).toBe('example org shared notes -"red car" or x');
  });

  it("normalizes tags, host and source URL, and maps a media family apart from a media type", async () => {
    const { filter } = await requestFor(alice, {
      tagsAll: ["Crawl-7"],
      tagsAny: ["HTML"],
      tagsNone: ["Draft"],
      contentType: "Image/*",
      sourceHost: "Example.ORG",
      sourceUrl: "https://Example.org/a b",
    });
    expect(filter).toMatchObject({
      tagsAll: ["crawl-7"],
      tagsAny: ["html"],
      tagsNone: ["draft"],
      mediaFamily: "image",
      sourceHost: "example.org",
      sourceUrl: "https://example.org/a%20b",
    });
    expect(filter).not.toHaveProperty("mediaType");
    const typed = await requestFor(alice, { contentType: "Text/HTML" });
    expect(typed.filter).toMatchObject({ mediaType: "text/html" });
    expect(typed.filter).not.toHaveProperty("mediaFamily");
  });

  it("passes the other criteria through under the catalogue's names", async () => {
    const createdFrom = new Date("2026-01-01T00:00:00Z");
    const { filter } = await requestFor(alice, {
      owner: "alice",
      visibility: "public",
      states: ["pending"],
      minSize: 1,
      maxSize: 2,
      createdFrom,
      sha256: "a".repeat(64),
      jobId: "job-1",
      runId: "run-1",
      httpStatus: 200,
      metadata: { site: "news" },
    });
    expect(filter).toEqual({
      ownerId: "alice",
      visibility: "public",
      states: ["pending"],
      minSize: 1,
      maxSize: 2,
      createdFrom,
      sha256: "a".repeat(64),
      jobId: "job-1",
      runId: "run-1",
      httpStatus: 200,
      metadata: { site: "news" },
    });
  });

  it("lets only admins filter by another owner", async () => {
    const { search } = searchWith();
    await expect(search.search(alice, { owner: "bob", count: false })).rejects.toMatchObject({
      code: "owner_filter_forbidden",
    });
    await expect(search.search(anonymous, { owner: "bob", count: false })).rejects.toMatchObject({
      code: "owner_filter_forbidden",
    });
    expect((await requestFor(admin, { owner: "bob" })).filter.ownerId).toBe("bob");
  });
});

describe("cursors", () => {
  const nextPage = { artifacts: [], next: { value: "2026-02-01T00:00:00.000000Z", id: ID }, total: 3 };

  it("continue the search they came from, at the position the catalogue gave", async () => {
    const { search, requests } = searchWith(nextPage);
    const page = await search.search(alice, { tagsAll: ["a"], count: true });
    expect(page.total).toBe(3);
    expect(page.nextCursor).toEqual(expect.any(String));
    await search.search(alice, { tagsAll: ["a"], count: true, cursor: page.nextCursor as string });
    expect(requests[1]?.after).toEqual(nextPage.next);
  });

  it("refuse to continue another search, and anything not handed out", async () => {
    const { search } = searchWith(nextPage);
    const cursor = (await search.search(alice, { tagsAll: ["a"], count: false })).nextCursor as string;
    await expect(search.search(alice, { tagsAll: ["b"], count: false, cursor })).rejects.toMatchObject({
      code: "cursor_mismatch",
    });
    await expect(
      search.search(alice, { tagsAll: ["a"], sort: "size", count: false, cursor }),
    ).rejects.toMatchObject({
      code: "cursor_mismatch",
    });
    await expect(search.search(alice, { count: false, cursor: "not a cursor" })).rejects.toMatchObject({
      code: "invalid_cursor",
    });
  });

  it("refuse a position the catalogue could not have handed out, before it reaches SQL", async () => {
    const { search } = searchWith({ artifacts: [], next: null });
    const fingerprinted = async (sort: "createdAt" | "size", value: string) => {
      const { search: first } = searchWith({ artifacts: [], next: { value: "1", id: ID } });
      const cursor = (await first.search(alice, { sort, count: false })).nextCursor as string;
      const body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
      return Buffer.from(JSON.stringify({ ...body, k: value })).toString("base64url");
    };
    for (const [sort, value] of [
      ["createdAt", "2026-02-31T00:00:00.000000Z"],
      ["createdAt", "1"],
      ["size", "99999999999999999999"],
    ] as const) {
      const cursor = await fingerprinted(sort, value);
      await expect(search.search(alice, { sort, count: false, cursor })).rejects.toMatchObject({
        code: "invalid_cursor",
      });
    }
  });
});
