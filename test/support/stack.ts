import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient } from "@artifact-store/client";
import { type LocalApi, startLocalApi } from "@artifact-store/local";
import { createS3Client } from "@artifact-store/storage";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

export const MiB = 1024 * 1024;

export interface TestStack extends LocalApi {
  /** A client authenticated as a fresh user of its own. */
  clientFor: (userId?: string, options?: { fetch?: typeof fetch }) => Promise<ArtifactStoreClient>;
  tokenFor: (userId: string, roles?: string[]) => Promise<string>;
  /** Raw HTTP to the API, for asserting status codes and error bodies. */
  api: (path: string, init?: RequestInit & { token?: string }) => Promise<Response>;
  /** Storage credentials, straight: to look behind the API's back as an operator could. */
  s3: S3Client;
  bucket: string;
  keysUnder: (prefix: string) => Promise<string[]>;
}

/**
 * The API with every function mounted, on the S3 server and catalogue engine of this test
 * project, in a bucket of its own.
 */
export const startTestStack = async (env: Record<string, string> = {}): Promise<TestStack> => {
  const bucket = `test-${randomUUID().slice(0, 12)}`;
  const api = await startLocalApi(
    {
      ...process.env,
      S3_BUCKET: bucket,
      AUTH_JWT_SECRET: "test-secret-test-secret-test-secret-42",
      CATALOG_DATA_DIR: "memory://",
      ...env,
    },
    0,
  );
  const tokenFor = (userId: string, roles: string[] = []) =>
    signToken(api.config.auth, { sub: userId, roles });
  const s3 = createS3Client(api.config.storage);
  return {
    ...api,
    bucket,
    s3,
    tokenFor,
    clientFor: async (userId = `user-${randomUUID().slice(0, 8)}`, options = {}) =>
      new ArtifactStoreClient({ baseUrl: api.url, token: await tokenFor(userId), ...options }),
    api: (path, init = {}) => {
      const { token, headers, ...rest } = init;
      return fetch(`${api.url}${path}`, {
        redirect: "manual",
        ...rest,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(rest.body ? { "content-type": "application/json" } : {}),
          ...(headers as Record<string, string>),
        },
      });
    },
    keysUnder: async (prefix) => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((object) => object.Key ?? "");
    },
    close: async () => {
      s3.destroy();
      await api.close();
    },
  };
};

export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

export const sha256OfResponse = async (response: Response): Promise<string> => {
  const hash = createHash("sha256");
  const reader = response.body?.getReader();
  if (!reader) return hash.digest("hex");
  for (let next = await reader.read(); !next.done; next = await reader.read()) hash.update(next.value);
  return hash.digest("hex");
};

/** A file of random bytes written in 4 MiB chunks (never all in memory), with its SHA-256. */
export const randomFile = async (
  size: number,
): Promise<{ path: string; sha256: string; remove: () => Promise<void> }> => {
  const folder = await mkdtemp(join(tmpdir(), "artifact-test-"));
  const path = join(folder, "random.bin");
  const hash = createHash("sha256");
  const out = createWriteStream(path);
  for (let written = 0; written < size; ) {
    const chunk = randomBytes(Math.min(4 * MiB, size - written));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    written += chunk.length;
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { path, sha256: hash.digest("hex"), remove: () => rm(folder, { recursive: true, force: true }) };
};

export const randomBytesOf = (size: number): Uint8Array<ArrayBuffer> => new Uint8Array(randomBytes(size));
