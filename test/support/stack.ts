import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signToken } from "@artifact-store/auth";
import { migrate } from "@artifact-store/catalog";
import { ArtifactStoreClient } from "@artifact-store/client";
import { type LocalApi, startLocalApi } from "@artifact-store/local";
import { createRuntime, loadConfig, loadStorageConfig, type Runtime } from "@artifact-store/runtime";
import { readyForStorage } from "@artifact-store/runtime/storage";
import { createS3Client } from "@artifact-store/storage";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import postgres from "postgres";

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

/** Raw HTTP to an API at this URL, with an optional bearer token: for asserting statuses and bodies. */
export const apiAt =
  (url: string) =>
  (path: string, init: RequestInit & { token?: string } = {}): Promise<Response> => {
    const { token, headers, ...rest } = init;
    return fetch(`${url}${path}`, {
      redirect: "manual",
      ...rest,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(rest.body ? { "content-type": "application/json" } : {}),
        ...(headers as Record<string, string>),
      },
    });
  };

/**
 * The API with every function mounted, on the S3 server and catalogue engine of this test
 * project, in a bucket of its own.
 */
export const startTestStack = async (
  env: Record<string, string> = {},
  options: { ownDatabase?: boolean } = {},
): Promise<TestStack> => {
  const bucket = `test-${randomUUID().slice(0, 12)}`;
  const database = options.ownDatabase ? await ownDatabase() : null;
  const api = await startLocalApi(
    {
      ...process.env,
      S3_BUCKET: bucket,
      AUTH_JWT_SECRET: "test-secret-test-secret-test-secret-42",
      CATALOG_DATA_DIR: "memory://",
      // Every upload is verified at completion, so tests download what they upload at once;
      // test/integrity.test.ts lowers this to exercise the scheduled verification.
      VERIFY_INLINE_MAX_BYTES: String(1024 ** 4),
      ...(database ? { DATABASE_URL: database.url } : {}),
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
    api: apiAt(api.url),
    keysUnder: async (prefix) => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((object) => object.Key ?? "");
    },
    close: async () => {
      s3.destroy();
      await api.close();
      await database?.drop();
    },
  };
};

/**
 * A database of the stack's own on the PostgreSQL server under test (null on PGlite, where every
 * stack's catalogue is its own anyway): for tests of jobs that sweep the whole catalogue, such as
 * the scrubber and the reconciler, which must not meet other test files' artifacts (and buckets).
 */
/** An empty database of its own on the PostgreSQL server the tests run on; null on PGlite. */
export const ownDatabase = async (): Promise<{ url: string; drop: () => Promise<void> } | null> => {
  const shared = process.env.DATABASE_URL;
  if (!shared) return null;
  const name = `artifact_store_t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const server = new URL(shared);
  server.pathname = "/postgres";
  const admin = postgres(server.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(shared);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end({ timeout: 1 });
      }
    },
  };
};

/**
 * A second runtime over the stack's bucket with an empty catalogue of its own (a fresh database on
 * PostgreSQL, memory on PGlite): what an operator has after losing the catalogue.
 */
export const runtimeWithEmptyCatalogue = async (
  stack: TestStack,
): Promise<{ runtime: Runtime; close: () => Promise<void> }> => {
  const database = await ownDatabase();
  const env: Record<string, string | undefined> = {
    ...process.env,
    S3_BUCKET: stack.bucket,
    AUTH_JWT_SECRET: "test-secret-test-secret-test-secret-42",
    CATALOG_DATA_DIR: "memory://",
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  const runtime = await createRuntime({ ...loadConfig(env), storage: loadStorageConfig(env) }, migrate);
  await readyForStorage(runtime);
  return {
    runtime,
    close: async () => {
      await runtime.close();
      await database?.drop();
    },
  };
};

export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** The base64 MD5 that Content-MD5 carries, and part URLs are signed with. */
export const md5Base64 = (bytes: Uint8Array): string => createHash("md5").update(bytes).digest("base64");

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

/** `bytes` cut into parts of `partSize`, as an uploader that slices its own file sends them. */
export const partsOf = (bytes: Uint8Array, partSize: number): Uint8Array<ArrayBuffer>[] =>
  Array.from(
    { length: Math.ceil(bytes.length / partSize) },
    (_, index) => bytes.slice(index * partSize, (index + 1) * partSize) as Uint8Array<ArrayBuffer>,
  );
