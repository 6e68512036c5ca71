// Storage going away in the middle of an SDK multipart upload, on a Ceph cluster of this file's
// own (the shared one other test files use is never touched): radosgw killed with SIGKILL, which
// supervision restarts, and radosgw stopped with SIGSTOP, which the SDK's stall detector gives up
// on. Either way the upload completes with every byte, and nothing is left behind in the bucket.
//
// It runs on both catalogue engines: completion writes to the catalogue after the outage.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ArtifactView } from "@artifact-store/api";
import { ArtifactStoreClient, type RetryPolicy, StalledRequestError } from "@artifact-store/client";
import { ensureCephInstalled, type LocalS3, startLocalS3 } from "@artifact-store/local-s3";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MiB, randomFile, sha256OfResponse, startTestStack, type TestStack } from "./support/stack";

const SIZE = 64 * MiB; // 8 parts of 8 MiB
// Enough retries to outlast a restart of radosgw (1 s of backoff, then a few seconds to start).
const RETRY: Partial<RetryPolicy> = { retries: 12, baseDelayMs: 250, maxDelayMs: 2000 };

let dataDir: string;
let s3: LocalS3;
let stack: TestStack;
const s3Log: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "storage-outage-"));
  await ensureCephInstalled();
  s3 = await startLocalS3({ dataDir, log: (line) => s3Log.push(line) });
  stack = await startTestStack({
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_REGION: s3.region,
    UPLOAD_PART_SIZE_BYTES: String(8 * MiB),
  });
});

afterAll(async () => {
  await stack?.close();
  await s3?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The pid of this file's radosgw: the process whose command line names its cluster's ceph.conf. */
const radosgwPid = async (): Promise<number> => {
  const conf = join(dataDir, "ceph", "ceph.conf");
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).split("\0");
    if (basename(argv[0] ?? "") === "radosgw" && argv.includes(conf)) return Number(entry);
  }
  throw new Error(`no radosgw running with ${conf}`);
};

/** Node's own fetch (bodies streamed, as by default), noting how each part PUT attempt ended. */
const recordingPuts = (outcomes: string[]): typeof fetch => {
  return async (input, init) => {
    if (init?.method !== "PUT") return fetch(input, init);
    try {
      const response = await fetch(input, init);
      outcomes.push(String(response.status));
      return response;
    } catch (error) {
      outcomes.push(error instanceof StalledRequestError ? "stalled" : "failed");
      throw error;
    }
  };
};

const clientRecordingPuts = async (outcomes: string[], stallTimeoutMs?: number) =>
  new ArtifactStoreClient({
    baseUrl: stack.url,
    token: await stack.tokenFor(`outage-${crypto.randomUUID().slice(0, 8)}`),
    fetch: recordingPuts(outcomes),
    streamBodies: true,
    ...(stallTimeoutMs ? { stallTimeoutMs } : {}),
  });

/** Polls the health route until it answers 200 after a 503; the statuses seen, repeats dropped. */
const healthUntilRecovered = async (timeoutMs = 60_000): Promise<number[]> => {
  const seen: number[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status } = await stack.api("/v1/health");
    if (seen.at(-1) !== status) seen.push(status);
    if (status === 200 && seen.includes(503)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return seen;
};

/** Artifacts the SDK reported uploaded, with the SHA-256 of the file each came from. */
const acknowledged: { artifact: ArtifactView; sha256: string }[] = [];

/** Every acknowledged artifact downloads with its SHA-256; the bucket holds nothing else, no open upload. */
const expectNothingLost = async () => {
  for (const { artifact, sha256 } of acknowledged) {
    expect(artifact.sha256).toBe(sha256);
    const owner = await stack.clientFor(artifact.ownerId);
    expect(await sha256OfResponse(await owner.download(artifact.id))).toBe(sha256);
  }
  const keys = await stack.keysUnder("");
  const known = (key: string) => acknowledged.some(({ artifact }) => key.includes(artifact.id));
  expect(keys.filter((key) => !known(key))).toEqual([]);
  const open = await stack.s3.send(new ListMultipartUploadsCommand({ Bucket: stack.bucket }));
  expect(open.Uploads ?? []).toEqual([]);
};

describe("storage outage during a multipart upload", () => {
  it("radosgw killed with SIGKILL is restarted, the SDK retries, the upload completes", async () => {
    const file = await randomFile(SIZE);
    try {
      const outcomes: string[] = [];
      const client = await clientRecordingPuts(outcomes);
      const killed = await radosgwPid();
      let health: Promise<number[]> | undefined;
      const started = Date.now();
      const artifact = await client.upload(file.path, {
        concurrency: 2,
        retry: RETRY,
        onProgress: ({ partsDone }) => {
          if (partsDone < 2 || health) return;
          process.kill(killed, "SIGKILL");
          health = healthUntilRecovered();
        },
      });
      acknowledged.push({ artifact, sha256: file.sha256 });
      console.log(
        `upload through a radosgw kill: ${Date.now() - started} ms; part PUTs: ${outcomes.join(" ")}`,
      );
      console.log(s3Log.filter((line) => line.startsWith("radosgw")).join("\n"));

      expect(artifact).toMatchObject({ size: SIZE });
      expect(outcomes).toContain("failed");
      expect(await health).toEqual([503, 200]);
      expect(await radosgwPid()).not.toBe(killed);
      expect(s3Log).toContainEqual(
        expect.stringMatching(/^radosgw exited \(signal SIGKILL\); restarting in 1 s/),
      );
      expect(s3Log).toContainEqual(expect.stringMatching(/^radosgw is back after 1 restart /));
      expect((await stack.api("/v1/health")).status).toBe(200);
      await expectNothingLost();
    } finally {
      await file.remove();
    }
  });

  it("radosgw stopped with SIGSTOP: stalled part PUTs are given up and sent again", async () => {
    const STALL_MS = 2000;
    const STOPPED_MS = 5000;
    const file = await randomFile(SIZE);
    const rgw = await radosgwPid();
    let resumed: Promise<void> | undefined;
    try {
      const outcomes: string[] = [];
      const client = await clientRecordingPuts(outcomes, STALL_MS);
      const logBefore = s3Log.length;
      const started = Date.now();
      const artifact = await client.upload(file.path, {
        concurrency: 2,
        retry: RETRY,
        onProgress: ({ partsDone }) => {
          if (partsDone < 2 || resumed) return;
          process.kill(rgw, "SIGSTOP");
          resumed = new Promise((resolve) => setTimeout(resolve, STOPPED_MS)).then(() => {
            process.kill(rgw, "SIGCONT");
          });
        },
      });
      acknowledged.push({ artifact, sha256: file.sha256 });
      console.log(
        `upload through a radosgw stop: ${Date.now() - started} ms; part PUTs: ${outcomes.join(" ")}`,
      );

      expect(artifact).toMatchObject({ size: SIZE });
      expect(outcomes).toContain("stalled");
      // A stopped daemon has not exited: nothing for supervision to do.
      expect(await radosgwPid()).toBe(rgw);
      expect(s3Log.slice(logBefore).filter((line) => line.includes("restarting"))).toEqual([]);
      await expectNothingLost();
    } finally {
      await resumed;
      process.kill(rgw, "SIGCONT"); // whatever failed, never leave it stopped
      await file.remove();
    }
  });
});
