import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { type ReindexReport, type SearchPage, SearchQuery } from "@artifact-store/api";
import type { ArtifactStoreClient, SearchOptions } from "@artifact-store/client";
import type { Principal } from "@artifact-store/core";
import { type Runtime, searchOf } from "@artifact-store/runtime";
import { artifactsOf, reindexOf, storageOf } from "@artifact-store/runtime/storage";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import * as v from "valibot";
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomBytesOf, runtimeWithEmptyCatalogue, startTestStack, type TestStack } from "./support/stack";

// The catalogue rebuilt from the bucket alone answers searches as the original does.

let stack: TestStack;
let rebuilt: Runtime;
let closeRebuilt: () => Promise<void> = async () => {};
const run = randomUUID().slice(0, 8);
const RUN = `run:${run}`;
const A = `reindex-a-${run}`;
const B = `reindex-b-${run}`;
const ADMIN = `reindex-admin-${run}`;
let alice: ArtifactStoreClient;
let bob: ArtifactStoreClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.clientFor(A);
  bob = await stack.clientFor(B);
  const upload = async (
    client: ArtifactStoreClient,
    name: string,
    options: Parameters<ArtifactStoreClient["upload"]>[1],
  ) => {
    ids[name] = (
      await client.upload(randomBytesOf(50 + Object.keys(ids).length), { filename: name, ...options })
    ).id;
  };
  await upload(alice, "pricing.html", {
    contentType: "text/html",
    tags: [RUN, "lang:en"],
    metadata: { title: "Pricing plans", lang: "en" },
    provenance: {
      sourceUrl: "https://shop.example.com/pricing",
      httpStatus: 200,
      fetchedAt: "2026-11-01T10:00:00Z",
      jobId: "job-1",
      runId: "run-1",
      headers: { server: "nginx" },
    },
  });
  await upload(alice, "logo.png", {
    contentType: "image/png",
    tags: [RUN, "asset"],
    visibility: "public",
    provenance: { sourceUrl: "https://shop.example.com/logo.png", jobId: "job-1" },
  });
  await upload(bob, "report.pdf", {
    contentType: "application/pdf",
    tags: [RUN],
    metadata: { lang: "de" },
    provenance: { sourceUrl: "https://docs.example.net/report.pdf", fetchedAt: "2026-11-02T00:00:00Z" },
  });
  await upload(bob, "gone.txt", { contentType: "text/plain", tags: [RUN] });
  // Changes after upload: only the sidecar can carry them into the rebuilt catalogue.
  await alice.update(ids["pricing.html"] as string, {
    metadata: { title: "Pricing for teams", lang: "en" },
    tags: { add: ["reviewed"] },
  });
  await bob.update(ids["report.pdf"] as string, { visibility: "public", tags: { add: ["lang:de"] } });
  await bob.delete(ids["gone.txt"] as string);

  // A second runtime on an empty catalogue, over the same bucket.
  ({ runtime: rebuilt, close: closeRebuilt } = await runtimeWithEmptyCatalogue(stack));
});
afterAll(async () => {
  await closeRebuilt();
  await stack?.close();
});

const user = (id: string, admin = false): Principal => ({
  kind: "user",
  id,
  roles: admin ? ["admin"] : [],
  scopes: admin ? ["read", "upload", "write", "admin"] : ["read", "upload", "write"],
});

const SEARCHES: [string, Principal | null, SearchOptions][] = [
  ["tag", user(A), { tags: [RUN, "reviewed"] }],
  ["public to anyone", null, { tags: [RUN] }],
  ["type family", user(A), { tags: [RUN], contentType: "image/*" }],
  [
    "host + time range",
    user(B),
    { tags: [RUN], sourceHost: "docs.example.net", fetchedFrom: "2026-11-01T00:00:00Z" },
  ],
  ["full text", user(A), { tags: [RUN], q: "teams" }],
  ["metadata containment", user(ADMIN, true), { tags: [RUN], metadata: { lang: "en" } }],
  ["job", user(ADMIN, true), { tags: [RUN], jobId: "job-1", sort: "filename" }],
  ["deleted, for admins", user(ADMIN, true), { tags: [RUN], state: ["deleted"] }],
  ["everything by size", user(ADMIN, true), { tags: [RUN], state: ["verified", "deleted"], sort: "size" }],
];

/** What the search endpoint answers, from the catalogue behind the running API. */
const searchOriginal = async (principal: Principal | null, options: SearchOptions): Promise<string[]> => {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) {
    query.set(
      name,
      Array.isArray(value)
        ? value.join(",")
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value),
    );
  }
  const token = principal
    ? await stack.tokenFor(principal.id as string, principal.roles as string[])
    : undefined;
  const response = await stack.api(`/v1/artifacts?${query}`, token ? { token } : {});
  expect(response.status).toBe(200);
  return ((await response.json()) as SearchPage).artifacts.map((a) => a.id);
};

const searchRebuilt = async (principal: Principal | null, options: SearchOptions): Promise<string[]> => {
  const query = Object.fromEntries(
    Object.entries(options).map(([name, value]) => [
      name,
      Array.isArray(value)
        ? value.join(",")
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value),
    ]),
  );
  const anonymous: Principal = { kind: "anonymous", id: null, roles: [], scopes: ["read"] };
  // Read as the route reads a query string.
  const page = await searchOf(rebuilt).search(principal ?? anonymous, v.parse(SearchQuery, query));
  return page.artifacts.map((a) => a.id);
};

it("rebuilds every artifact from the sidecars, and search answers the same", async () => {
  const report = await reindexOf(rebuilt)();
  expect(report).toEqual({ scanned: 4, restored: 4, unchanged: 0, skipped: [] });
  for (const [name, principal, options] of SEARCHES) {
    const original = await searchOriginal(principal, options);
    expect(original.length, name).toBeGreaterThan(0);
    expect(await searchRebuilt(principal, options), name).toEqual(original);
  }
  // The records themselves, versions and provenance included.
  const owner = user(A);
  for (const name of ["pricing.html", "logo.png"]) {
    const original = await artifactsOf(stack.runtime).get(owner, ids[name] as string);
    expect(await artifactsOf(rebuilt).get(owner, ids[name] as string), name).toEqual(original);
  }
  expect((await artifactsOf(rebuilt).get(owner, ids["pricing.html"] as string)).version).toBe(2);
});

it("skips and reports a sidecar whose content no longer matches its hash; an admin runs it over HTTP and the CLI", async () => {
  const key = `metadata/artifacts/${ids["logo.png"]}/metadata.json`;
  const tampered = JSON.parse((await storageOf(stack.runtime).getText(key)) ?? "{}");
  tampered.artifact.visibility = "private";
  await stack.s3.send(
    new PutObjectCommand({
      Bucket: stack.bucket,
      Key: key,
      Body: JSON.stringify(tampered),
      ContentType: "application/json",
    }),
  );
  const admin = await stack.tokenFor(ADMIN, ["admin"]);
  const denied = await stack.api("/v1/admin/reindex", { method: "POST", token: await stack.tokenFor(A) });
  expect(denied.status).toBe(403);
  const response = await stack.api("/v1/admin/reindex", { method: "POST", token: admin });
  expect(response.status).toBe(200);
  // The running catalogue already holds every record at its sidecar's version.
  expect((await response.json()) as ReindexReport).toEqual({
    scanned: 4,
    restored: 3,
    unchanged: 0,
    skipped: [{ key, reason: "hash_mismatch" }],
  });
  const cli = await promisify(execFile)("npx", ["tsx", "packages/cli/src/main.ts", "reindex"], {
    env: { ...process.env, ARTIFACT_STORE_URL: stack.url, ARTIFACT_STORE_TOKEN: admin },
  }).catch((error: { code: number; stdout: string }) => error);
  expect("code" in cli ? cli.code : 0).toBe(1);
  expect(JSON.parse(cli.stdout)).toMatchObject({ scanned: 4, skipped: [{ key, reason: "hash_mismatch" }] });
});
