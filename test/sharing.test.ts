import type { ArtifactView } from "@artifact-store/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytesOf, startTestStack, type TestStack } from "./support/stack";

// Who may do what: every actor against every operation, on private and public artifacts.
// Each case gets a fresh artifact, so a delete in one case cannot change another's answer.

type Actor =
  | "owner"
  | "stranger"
  | "grantee"
  | "expired grantee"
  | "admin"
  | "anonymous"
  | "owner's key: read"
  | "owner's key: read+write"
  | "owner's key: upload only";
type Operation = "get" | "download" | "change visibility" | "list grants" | "delete";
type Visibility = "private" | "public";

//                                   get  download change list-grants delete
const EXPECTED: Record<Visibility, Record<Actor, [number, number, number, number, number]>> = {
  private: {
    owner: [200, 302, 200, 200, 204],
    stranger: [404, 404, 404, 404, 404],
    grantee: [200, 302, 403, 403, 403],
    "expired grantee": [404, 404, 404, 404, 404],
    admin: [200, 302, 200, 200, 204],
    anonymous: [404, 404, 401, 401, 401],
    "owner's key: read": [200, 302, 403, 403, 403],
    "owner's key: read+write": [200, 302, 200, 200, 204],
    "owner's key: upload only": [403, 403, 403, 403, 403],
  },
  public: {
    owner: [200, 302, 200, 200, 204],
    stranger: [200, 302, 403, 403, 403],
    grantee: [200, 302, 403, 403, 403],
    "expired grantee": [200, 302, 403, 403, 403],
    admin: [200, 302, 200, 200, 204],
    anonymous: [200, 302, 401, 401, 401],
    "owner's key: read": [200, 302, 403, 403, 403],
    "owner's key: read+write": [200, 302, 200, 200, 204],
    "owner's key: upload only": [403, 403, 403, 403, 403],
  },
};
const OPERATIONS: Operation[] = ["get", "download", "change visibility", "list grants", "delete"];

let stack: TestStack;
const credentials = new Map<Actor, Record<string, string>>();
const OWNER = "matrix-owner";

beforeAll(async () => {
  stack = await startTestStack();
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const admin = await stack.tokenFor("matrix-admin", ["admin"]);
  const key = async (scopes: string[]) => {
    const response = await stack.api("/v1/api-keys", {
      method: "POST",
      token: admin,
      body: JSON.stringify({ subject: OWNER, name: `matrix ${scopes.join("+")}`, scopes }),
    });
    expect(response.status).toBe(201);
    return { "x-api-key": ((await response.json()) as { key: string }).key };
  };
  credentials.set("owner", bearer(await stack.tokenFor(OWNER)));
  credentials.set("stranger", bearer(await stack.tokenFor("matrix-stranger")));
  credentials.set("grantee", bearer(await stack.tokenFor("matrix-grantee")));
  credentials.set("expired grantee", bearer(await stack.tokenFor("matrix-expired")));
  credentials.set("admin", bearer(admin));
  credentials.set("anonymous", {});
  credentials.set("owner's key: read", await key(["read"]));
  credentials.set("owner's key: read+write", await key(["read", "write"]));
  credentials.set("owner's key: upload only", await key(["upload"]));
});
afterAll(() => stack?.close());

const grant = async (artifact: ArtifactView, grantee: string, expiresAt?: Date) => {
  const response = await stack.api(`/v1/artifacts/${artifact.id}/grants/${grantee}`, {
    method: "PUT",
    token: await stack.tokenFor(OWNER),
    body: JSON.stringify(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
  });
  expect(response.status).toBe(200);
};

/** A fresh artifact of the owner, shared with the grantee for good. */
const artifactFor = async (visibility: Visibility): Promise<ArtifactView> => {
  const owner = await stack.clientFor(OWNER);
  const artifact = await owner.upload(randomBytesOf(32), { filename: "case.bin", visibility });
  await grant(artifact, "matrix-grantee");
  return artifact;
};

const perform = (operation: Operation, artifact: ArtifactView, headers: Record<string, string>) => {
  const path = `/v1/artifacts/${artifact.id}`;
  switch (operation) {
    case "get":
      return stack.api(path, { headers });
    case "download":
      return stack.api(`${path}/download`, { headers });
    case "change visibility":
      return stack.api(path, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ visibility: artifact.visibility === "public" ? "private" : "public" }),
      });
    case "list grants":
      return stack.api(`${path}/grants`, { headers });
    case "delete":
      return stack.api(path, { method: "DELETE", headers });
  }
};

const cases = (["private", "public"] as const).flatMap((visibility) =>
  (Object.keys(EXPECTED[visibility]) as Actor[]).flatMap((actor) =>
    OPERATIONS.map((operation, index) => ({
      visibility,
      actor,
      operation,
      expected: EXPECTED[visibility][actor][index] as number,
    })),
  ),
);

describe("access matrix", () => {
  let artifacts: Record<Visibility, ArtifactView[]>;

  beforeAll(async () => {
    const count = cases.length / 2;
    artifacts = {
      private: await Promise.all(Array.from({ length: count }, () => artifactFor("private"))),
      public: await Promise.all(Array.from({ length: count }, () => artifactFor("public"))),
    };
    // One short grant each for the expired grantee, all given at once, then let them lapse.
    const lapse = new Date(Date.now() + 3000);
    await Promise.all(
      [...artifacts.private, ...artifacts.public].map((artifact) => grant(artifact, "matrix-expired", lapse)),
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lapse.getTime() - Date.now()) + 200));
  });

  it.each(cases)(
    "$visibility artifact, $actor, $operation -> $expected",
    async ({ visibility, actor, operation, expected }) => {
      const artifact = artifacts[visibility].pop() as ArtifactView;
      const response = await perform(operation, artifact, credentials.get(actor) ?? {});
      expect(response.status).toBe(expected);
      if (expected >= 400) {
        const body = (await response.json()) as { error: { code: string } };
        const codes: Record<number, string[]> = {
          401: ["authentication_required"],
          403: ["insufficient_scope", "not_owner"],
          404: ["artifact_not_found"],
        };
        expect(codes[expected]).toContain(body.error.code);
      }
    },
  );
});

describe("visibility and grants", () => {
  it("making an artifact public opens it to anonymous callers; making it private closes it again", async () => {
    const owner = await stack.clientFor(OWNER);
    const artifact = await owner.upload(randomBytesOf(8), { filename: "flip.bin" });
    const token = await stack.tokenFor(OWNER);
    const flip = (visibility: Visibility) =>
      stack.api(`/v1/artifacts/${artifact.id}`, {
        method: "PATCH",
        token,
        body: JSON.stringify({ visibility }),
      });
    expect((await stack.api(`/v1/artifacts/${artifact.id}`)).status).toBe(404);
    expect(await (await flip("public")).json()).toMatchObject({ visibility: "public" });
    expect((await stack.api(`/v1/artifacts/${artifact.id}`)).status).toBe(200);
    await flip("private");
    expect((await stack.api(`/v1/artifacts/${artifact.id}`)).status).toBe(404);
  });

  it("a revoked grant no longer opens the artifact", async () => {
    const owner = await stack.clientFor(OWNER);
    const artifact = await owner.upload(randomBytesOf(8), { filename: "shared.bin" });
    const ownerToken = await stack.tokenFor(OWNER);
    const reader = await stack.tokenFor("matrix-reader");
    const grantPath = `/v1/artifacts/${artifact.id}/grants/matrix-reader`;
    expect((await stack.api(grantPath, { method: "PUT", token: ownerToken })).status).toBe(200);
    expect((await stack.api(`/v1/artifacts/${artifact.id}`, { token: reader })).status).toBe(200);
    const listed = await stack.api(`/v1/artifacts/${artifact.id}/grants`, { token: ownerToken });
    expect(await listed.json()).toMatchObject({
      grants: [{ grantee: "matrix-reader", grantedBy: OWNER, expiresAt: null }],
    });

    expect((await stack.api(grantPath, { method: "DELETE", token: ownerToken })).status).toBe(204);
    expect((await stack.api(`/v1/artifacts/${artifact.id}`, { token: reader })).status).toBe(404);
    expect((await stack.api(grantPath, { method: "DELETE", token: ownerToken })).status).toBe(404);
  });

  it("a grant that expires in the past is refused", async () => {
    const owner = await stack.clientFor(OWNER);
    const artifact = await owner.upload(randomBytesOf(8), { filename: "late.bin" });
    const response = await stack.api(`/v1/artifacts/${artifact.id}/grants/someone`, {
      method: "PUT",
      token: await stack.tokenFor(OWNER),
      body: JSON.stringify({ expiresAt: "2020-01-01T00:00:00Z" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_expiry" } });
  });
});

describe("the bucket itself", () => {
  it("refuses anonymous reads, even of a public artifact's object", async () => {
    const client = await stack.clientFor("public-owner");
    const artifact = await client.upload(randomBytesOf(10), { filename: "open.bin", visibility: "public" });
    const record = await stack.runtime.catalog.findArtifact(artifact.id);
    const endpoint = stack.config.storage.endpoint ?? "";
    const direct = await fetch(`${endpoint}/${stack.bucket}/${record?.objectKey}`);
    expect(direct.status).toBe(403);
    const listing = await fetch(`${endpoint}/${stack.bucket}`);
    expect(listing.status).toBe(403);
    expect((await stack.api(`/v1/artifacts/${artifact.id}/download`)).status).toBe(302);
  });
});
