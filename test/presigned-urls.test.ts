import type { UploadCreated } from "@artifact-store/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requires } from "./support/capabilities";
import {
  md5Base64,
  randomBytesOf,
  sha256,
  sha256OfResponse,
  startTestStack,
  type TestStack,
} from "./support/stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    // Short enough to wait out, long enough that a loaded machine uses a fresh URL in time.
    DOWNLOAD_URL_TTL_SECONDS: "4",
    UPLOAD_URL_TTL_SECONDS: "2",
    UPLOAD_TTL_SECONDS: "6",
  });
});
afterAll(() => stack?.close());

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const downloadLinkOf = async (artifactId: string, token: string) => {
  const response = await stack.api(`/v1/artifacts/${artifactId}/download?redirect=false`, { token });
  return ((await response.json()) as { url: string }).url;
};

describe("storage itself refuses presigned URLs that were changed or have expired", () => {
  it("a tampered download URL is refused", async (context) => {
    await requires(context, stack, "signature-verification");
    const client = await stack.clientFor("tamper");
    const mine = await client.upload(randomBytesOf(64), { filename: "mine.bin" });
    const other = await client.upload(randomBytesOf(64), { filename: "other.bin" });
    const token = await stack.tokenFor("tamper");
    const url = new URL(await downloadLinkOf(mine.id, token));
    expect((await fetch(url)).status).toBe(200);

    const flipped = new URL(url);
    const signature = flipped.searchParams.get("X-Amz-Signature") ?? "";
    flipped.searchParams.set("X-Amz-Signature", `${signature[0] === "a" ? "b" : "a"}${signature.slice(1)}`);
    expect((await fetch(flipped)).status).toBe(403);

    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace(mine.id, other.id);
    expect((await fetch(otherKey)).status).toBe(403);

    const longer = new URL(url);
    longer.searchParams.set("X-Amz-Expires", "604800");
    expect((await fetch(longer)).status).toBe(403);
  });

  it("a download URL past its TTL is refused", async (context) => {
    await requires(context, stack, "signature-verification");
    const client = await stack.clientFor("expiry");
    const artifact = await client.upload(randomBytesOf(64), { filename: "soon-gone.bin" });
    const url = await downloadLinkOf(artifact.id, await stack.tokenFor("expiry"));
    await wait(5500);
    expect((await fetch(url)).status).toBe(403);
  });

  it("an upload URL past its TTL is refused, and the SDK signs a fresh one and carries on", async (context) => {
    await requires(context, stack, "signature-verification");
    const bytes = randomBytesOf(2048);
    const token = await stack.tokenFor("slow");
    const opened = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({
        filename: "slow.bin",
        contentType: "application/octet-stream",
        size: 2048,
        sha256: sha256(bytes),
        md5: md5Base64(bytes),
      }),
    });
    const part = ((await opened.json()) as UploadCreated).parts[0];
    await wait(3000);
    expect(
      (await fetch(part?.url ?? "", { method: "PUT", headers: part?.headers, body: bytes })).status,
    ).toBe(403);

    let signCalls = 0;
    let firstPut = true;
    const slowFirstPut: typeof fetch = async (input, init) => {
      if (String(input).includes("/parts")) signCalls += 1;
      if (init?.method === "PUT" && firstPut) {
        firstPut = false;
        await wait(3000); // the URL dies while this "slow link" holds the part
      }
      return fetch(input, init);
    };
    const client = await stack.clientFor("slow", { fetch: slowFirstPut });
    const artifact = await client.upload(bytes, { filename: "slow.bin" });
    expect(signCalls).toBeGreaterThanOrEqual(1);
    expect(await sha256OfResponse(await client.download(artifact.id))).toBe(sha256(bytes));
  });
});

describe("upload sessions expire", () => {
  it("an expired upload can be neither signed nor completed", async () => {
    const bytes = randomBytesOf(16);
    const token = await stack.tokenFor("late");
    const opened = await stack.api("/v1/uploads", {
      method: "POST",
      token,
      body: JSON.stringify({
        filename: "late.bin",
        contentType: "text/plain",
        size: 16,
        sha256: sha256(bytes),
        md5: md5Base64(bytes),
      }),
    });
    const created = (await opened.json()) as UploadCreated;
    const part = created.parts[0];
    expect(
      (await fetch(part?.url ?? "", { method: "PUT", headers: part?.headers, body: bytes })).status,
    ).toBe(200);
    await wait(6500);

    const complete = await stack.api(`/v1/uploads/${created.uploadId}/complete`, { method: "POST", token });
    expect(complete.status).toBe(410);
    expect(await complete.json()).toMatchObject({ error: { code: "upload_expired" } });
    const sign = await stack.api(`/v1/uploads/${created.uploadId}/parts`, {
      method: "POST",
      token,
      body: JSON.stringify({ parts: [{ partNumber: 1, md5: md5Base64(bytes) }] }),
    });
    expect(sign.status).toBe(410);
    expect(await (await stack.api(`/v1/uploads/${created.uploadId}`, { token })).json()).toMatchObject({
      state: "expired",
    });
  });
});
