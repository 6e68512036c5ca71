import type { ArtifactView } from "@artifact-store/api";
import type { UploadProgress } from "@artifact-store/client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchChromium,
  openSdkPage,
  type SdkPage,
  type SdkSite,
  type SdkWindow,
  serveSdkPage,
  withPageErrors,
} from "./support/browser";
import { MiB, sha256OfResponse, startTestStack, type TestStack } from "./support/stack";

const USER = "browser-user";
const PART_SIZE = 5 * MiB;

let stack: TestStack;
let site: SdkSite;
let browser: Browser;
let sdk: SdkPage;
let token: string;

const corsBefore = process.env.API_CORS_ORIGINS;

beforeAll(async () => {
  // The page is served from an origin of its own, so the API and the bucket must both allow it.
  process.env.API_CORS_ORIGINS = "*"; // read by each function as the stack loads it
  await Promise.all([
    startTestStack({ S3_CORS_ORIGINS: "*", UPLOAD_PART_SIZE_BYTES: String(PART_SIZE) }).then((started) => {
      stack = started;
    }),
    serveSdkPage().then((started) => {
      site = started;
    }),
    launchChromium().then((started) => {
      browser = started;
    }),
  ]);
  sdk = await openSdkPage(browser, site);
  token = await stack.tokenFor(USER);
});

afterAll(async () => {
  await Promise.allSettled([browser?.close(), site?.close(), stack?.close()]);
  if (corsBefore === undefined) delete process.env.API_CORS_ORIGINS;
  else process.env.API_CORS_ORIGINS = corsBefore;
});

interface PageUpload {
  artifact: ArtifactView;
  sha256: string;
  progress: UploadProgress[];
}

/**
 * In the page: a File of random bytes, its SHA-256 by WebCrypto, then the SDK's upload of it.
 * (The function runs in the browser, so it may use nothing from this module's scope.)
 */
const uploadFromPage = (size: number): Promise<PageUpload> =>
  sdk.page
    .evaluate(
      async ({ baseUrl, token, size }) => {
        const { ArtifactStoreClient } = (window as unknown as SdkWindow).artifactStore;
        const chunks: Uint8Array<ArrayBuffer>[] = [];
        // getRandomValues fills at most 64 KiB per call.
        for (let offset = 0; offset < size; offset += 65536)
          chunks.push(crypto.getRandomValues(new Uint8Array(Math.min(65536, size - offset))));
        const file = new File(chunks, `browser-${size}.bin`, { type: "application/octet-stream" });
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
        const sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");

        const progress: UploadProgress[] = [];
        const client = new ArtifactStoreClient({ baseUrl, token });
        const artifact = await client.upload(file, { onProgress: (p) => progress.push(p) });
        return { artifact, sha256, progress };
      },
      { baseUrl: stack.url, token, size },
    )
    .catch(withPageErrors(sdk));

/** In the page: the SDK's download (a presigned GET, cross-origin to storage), hashed by WebCrypto. */
const downloadDigestInPage = (artifactId: string): Promise<string> =>
  sdk.page
    .evaluate(
      async ({ baseUrl, token, artifactId }) => {
        const { ArtifactStoreClient } = (window as unknown as SdkWindow).artifactStore;
        const response = await new ArtifactStoreClient({ baseUrl, token }).download(artifactId);
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
        return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
      },
      { baseUrl: stack.url, token, artifactId },
    )
    .catch(withPageErrors(sdk));

describe("the client SDK in headless Chromium uploads a File straight to storage", () => {
  it.each([
    ["1 KiB, one presigned PUT", 1024, 1],
    ["12 MiB, multipart in three parts", 12 * MiB, 3],
  ])("%s", async (_label, size, partCount) => {
    const storageOrigin = new URL(stack.config.storage.endpoint ?? "").origin;
    const requestsBefore = sdk.requests.length;

    const { artifact, sha256, progress } = await uploadFromPage(size);

    expect(artifact).toMatchObject({
      sha256,
      size,
      filename: `browser-${size}.bin`,
      contentType: "application/octet-stream",
      state: "verified",
      ownerId: USER,
    });
    expect(progress.at(-1)).toMatchObject({
      uploadedBytes: size,
      totalBytes: size,
      partsDone: partCount,
      partCount,
    });
    const uploaded = progress.map((p) => p.uploadedBytes);
    expect(uploaded).toEqual([...uploaded].sort((a, b) => a - b));
    // The bytes went from the page straight to storage, every part (a retry may repeat one).
    const puts = sdk.requests
      .slice(requestsBefore)
      .filter((request) => request.method === "PUT")
      .map((request) => new URL(request.url));
    expect(new Set(puts.map((url) => url.origin))).toEqual(new Set([storageOrigin]));
    expect(new Set(puts.map((url) => url.searchParams.get("partNumber") ?? "single")).size).toBe(partCount);

    const client = await stack.clientFor(USER);
    expect(await sha256OfResponse(await client.download(artifact.id))).toBe(sha256);
    expect(await downloadDigestInPage(artifact.id)).toBe(sha256);
    expect(sdk.errors).toEqual([]);
  });
});
