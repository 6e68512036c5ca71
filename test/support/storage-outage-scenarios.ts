// Storage going away in the middle of an SDK multipart upload, on a Ceph cluster of its own (the
// shared one other test files use is never touched): radosgw killed with SIGKILL, which
// supervision restarts, and radosgw stopped with SIGSTOP, which the SDK's stall detector gives up
// on. Shared by test/storage-outage.test.ts (which asserts the SDK rides both out and nothing is
// lost) and `npm run faults` (which prints the table).
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ArtifactView } from "@artifact-store/api";
import { Reconciler } from "@artifact-store/artifacts";
import {
  ArtifactStoreClient,
  type RetryPolicy,
  StalledRequestError,
  UploadInterruptedError,
} from "@artifact-store/client";
import type { IntegrityRun } from "@artifact-store/core";
import { ensureCephInstalled, type LocalS3, startLocalS3 } from "@artifact-store/local-s3";
import { integrityOf } from "@artifact-store/runtime";
import { storageOf, verifierOf } from "@artifact-store/runtime/storage";
import { ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand } from "@aws-sdk/client-s3";
import type { FaultRow } from "./fault-scenarios";
import { MiB, randomFile, sha256OfResponse, startTestStack, type TestStack } from "./stack";

const PART_SIZE = 8 * MiB;
export const OUTAGE_UPLOAD_SIZE = 8 * PART_SIZE;
// Enough retries to outlast a restart of radosgw (1 s of backoff, then a few seconds to start).
const RETRY: Partial<RetryPolicy> = { retries: 12, baseDelayMs: 250, maxDelayMs: 2000 };
const STALL_MS = 2000;
const STOPPED_MS = 5000;
// Past any upload session's expiry (UPLOAD_TTL_SECONDS, a day by default): the reconciler then
// does to an upload the SDK gave up on what its schedule eventually would.
const PAST_UPLOAD_EXPIRY_MS = 2 * 86_400_000;

/** What one scenario saw, beyond its row: for the test's assertions and its log. */
export interface OutageDetails {
  signal: "SIGKILL" | "SIGSTOP";
  /** The artifact the SDK's upload returned; null when it gave up (`error` says why). */
  artifact: ArtifactView | null;
  error: string | null;
  /** Of the file uploaded. */
  sha256: string;
  ms: number;
  /** How each part PUT attempt ended, in order: its HTTP status, "failed" (refused, cut) or "stalled". */
  partPuts: string[];
  /** radosgw's pid when the outage began, and once storage was back and the upload over. */
  pidBefore: number;
  pidAfter: number;
  /** The health route's statuses from the outage until it answered 200 again, repeats dropped. */
  healthDuringOutage: number[];
  healthAfter: number;
  /** What the cluster logged from the outage until storage was back and the upload over. */
  log: string[];
  /** Keys left in the bucket that no acknowledged (or recovered) artifact claims. */
  strayKeys: string[];
  /** Multipart uploads still open in storage after the reconciler ran past their expiry. */
  openUploads: string[];
}

interface Rig {
  stack: TestStack;
  dataDir: string;
  /** Every line the cluster logged, its own supervision's included. */
  log: string[];
}

interface Outage {
  signal: OutageDetails["signal"];
  name: string;
  /** Set for the scenario whose stalled part PUTs the SDK gives up on, rather than fail. */
  stallTimeoutMs?: number;
  /** Brings storage down; resolves, with the health statuses seen, once it is back. */
  begin: (rig: Rig, radosgw: number) => Promise<number[]>;
  /** Run whatever happened, so the cluster is never left down for the next scenario. */
  release?: (radosgw: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid of the rig's radosgw: the process whose command line names its cluster's ceph.conf. */
const radosgwPid = async (rig: Rig): Promise<number> => {
  const conf = join(rig.dataDir, "ceph", "ceph.conf");
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).split("\0");
    if (basename(argv[0] ?? "") === "radosgw" && argv.includes(conf)) return Number(entry);
  }
  throw new Error(`no radosgw running with ${conf}`);
};

/** Polls the health route until it answers 200 after a 503; the statuses seen, repeats dropped. */
const healthUntilRecovered = async (stack: TestStack, timeoutMs = 60_000): Promise<number[]> => {
  const seen: number[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status } = await stack.api("/v1/health");
    if (seen.at(-1) !== status) seen.push(status);
    if (status === 200 && seen.includes(503)) break;
    await sleep(250);
  }
  return seen;
};

const KILLED: Outage = {
  signal: "SIGKILL",
  name: "radosgw SIGKILLed, restarted by supervision",
  begin: (rig, radosgw) => {
    process.kill(radosgw, "SIGKILL");
    return healthUntilRecovered(rig.stack);
  },
};

const STOPPED: Outage = {
  signal: "SIGSTOP",
  name: `radosgw SIGSTOPped for ${STOPPED_MS / 1000} s`,
  stallTimeoutMs: STALL_MS,
  begin: async (_rig, radosgw) => {
    process.kill(radosgw, "SIGSTOP");
    await sleep(STOPPED_MS);
    process.kill(radosgw, "SIGCONT");
    return [];
  },
  release: (radosgw) => process.kill(radosgw, "SIGCONT"),
};

/** The SDK's traffic, as the fetch it was given saw it. */
interface Traffic {
  partPuts: string[];
  /** Every complete call: its status (0 without an answer), and the artifact id a 200 carried. */
  completes: { status: number; artifactId: string | null }[];
}

/** Node's own fetch (bodies streamed, as by default), noting part PUTs and complete calls. */
const recordingFetch = (traffic: Traffic): typeof fetch => {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const completing = init?.method === "POST" && url.endsWith("/complete");
    if (init?.method !== "PUT" && !completing) return fetch(input, init);
    try {
      const response = await fetch(input, init);
      if (!completing) traffic.partPuts.push(String(response.status));
      else {
        const answered =
          response.status === 200
            ? await response
                .clone()
                .json()
                .catch(() => null)
            : null;
        traffic.completes.push({
          status: response.status,
          artifactId: (answered as ArtifactView | null)?.id ?? null,
        });
      }
      return response;
    } catch (error) {
      if (completing) traffic.completes.push({ status: 0, artifactId: null });
      else traffic.partPuts.push(error instanceof StalledRequestError ? "stalled" : "failed");
      throw error;
    }
  };
};

/** An artifact the SDK handed back, with the SHA-256 of the file it came from. */
interface Claimed {
  artifact: ArtifactView;
  sha256: string;
}

/**
 * What the run has counted so far, so each row holds what went wrong during its scenario, to
 * its own upload or to an earlier one, and nothing a row above it already counted.
 */
interface Ledger {
  claimed: Claimed[];
  lost: Set<string>;
  strayKeys: Set<string>;
  openUploads: Set<string>;
}

const downloadsIntact = async (stack: TestStack, { artifact, sha256 }: Claimed): Promise<boolean> => {
  if (artifact.sha256 !== sha256) return false;
  try {
    const owner = await stack.clientFor(artifact.ownerId);
    return (await sha256OfResponse(await owner.download(artifact.id))) === sha256;
  } catch {
    return false;
  }
};

const reconcilePastExpiry = (stack: TestStack): Promise<IntegrityRun> => {
  const { runtime } = stack;
  const clock = () => new Date(Date.now() + PAST_UPLOAD_EXPIRY_MS);
  return new Reconciler(
    integrityOf(runtime),
    runtime.catalog,
    storageOf(runtime),
    verifierOf(runtime),
    { deleteOrphansAfterSeconds: null },
    clock,
  ).run();
};

/**
 * The bucket after a scenario, the way `tally` (fault-scenarios.ts) counts it: objects no
 * claimed artifact owns are orphans, found when the reconciler reported them. tally itself does
 * not fit: it wants the upload's bytes in memory and its UploadCreated (the SDK keeps both to
 * itself), and it looks only at objects of the upload's own artifact, where an SDK starting over
 * would leave them under another. So every key in the bucket counts here, as do the parts of
 * multipart uploads still open (unreported: once the reconciler has run past their expiry, no
 * session is left that would abort them).
 */
const tallyBucket = async (stack: TestStack, ledger: Ledger, report: IntegrityRun) => {
  const reported = new Set(
    report.findings
      .filter((finding) => finding.kind === "object_without_record")
      .map((finding) => String(finding.objectKey)),
  );
  const claims = (key: string) => ledger.claimed.some(({ artifact }) => key.includes(artifact.id));
  const counts = { found: 0, unreported: 0, strayKeys: [] as string[], openUploads: [] as string[] };
  const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket }));
  for (const object of listed.Contents ?? []) {
    const key = object.Key ?? "";
    if (claims(key)) continue;
    counts.strayKeys.push(key);
    if (ledger.strayKeys.has(key)) continue;
    ledger.strayKeys.add(key);
    if (reported.has(key)) counts.found += object.Size ?? 0;
    else counts.unreported += object.Size ?? 0;
  }
  const open = await stack.s3.send(new ListMultipartUploadsCommand({ Bucket: stack.bucket }));
  for (const upload of open.Uploads ?? []) {
    counts.openUploads.push(`${upload.Key} (${upload.UploadId})`);
    if (!upload.UploadId || ledger.openUploads.has(upload.UploadId)) continue;
    ledger.openUploads.add(upload.UploadId);
    const parts = await stack.s3.send(
      new ListPartsCommand({ Bucket: stack.bucket, Key: upload.Key, UploadId: upload.UploadId }),
    );
    for (const part of parts.Parts ?? []) counts.unreported += part.Size ?? 0;
  }
  return counts;
};

/**
 * One SDK upload with storage going away once two parts are in. Acknowledged: the SDK's upload
 * returned the artifact, failed and stalled part attempts on the way included (their count is
 * in the scenario's name). Recovered: the SDK gave up, and resuming the upload (its documented
 * way back, once storage is back) ended with the artifact downloadable; 0 while the SDK rides
 * the outage out on its own, which is what the test asserts.
 */
const uploadThrough = async (rig: Rig, outage: Outage, ledger: Ledger) => {
  const { stack } = rig;
  const file = await randomFile(OUTAGE_UPLOAD_SIZE);
  const radosgw = await radosgwPid(rig);
  const traffic: Traffic = { partPuts: [], completes: [] };
  let storageBack: Promise<number[]> | undefined;
  try {
    const client = new ArtifactStoreClient({
      baseUrl: stack.url,
      token: await stack.tokenFor(`outage-${crypto.randomUUID().slice(0, 8)}`),
      fetch: recordingFetch(traffic),
      streamBodies: true,
      ...(outage.stallTimeoutMs ? { stallTimeoutMs: outage.stallTimeoutMs } : {}),
    });
    const logFrom = rig.log.length;
    const started = Date.now();
    let acknowledged: ArtifactView | null = null;
    let recovered: ArtifactView | null = null;
    let error: string | null = null;
    try {
      acknowledged = await client.upload(file.path, {
        concurrency: 2,
        retry: RETRY,
        onProgress: ({ partsDone }) => {
          if (partsDone < 2 || storageBack) return;
          storageBack = outage.begin(rig, radosgw);
        },
      });
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
      if (failure instanceof UploadInterruptedError) {
        await storageBack;
        recovered = await client
          .upload(file.path, { uploadId: failure.uploadId, concurrency: 2, retry: RETRY })
          .catch(() => null);
      }
    }
    const ms = Date.now() - started;
    const healthDuringOutage = (await storageBack) ?? [];
    const pidAfter = await radosgwPid(rig);
    const healthAfter = (await stack.api("/v1/health")).status;
    const log = rig.log.slice(logFrom);

    for (const artifact of [acknowledged, recovered])
      if (artifact) ledger.claimed.push({ artifact, sha256: file.sha256 });
    const lost: string[] = [];
    for (const claimed of ledger.claimed) {
      if (ledger.lost.has(claimed.artifact.id) || (await downloadsIntact(stack, claimed))) continue;
      ledger.lost.add(claimed.artifact.id);
      lost.push(claimed.artifact.id);
    }
    const bucket = await tallyBucket(stack, ledger, await reconcilePastExpiry(stack));
    const answeredIds = traffic.completes.flatMap(({ artifactId }) => (artifactId ? [artifactId] : []));
    const returned = acknowledged ?? recovered;
    const refused = traffic.partPuts.filter((outcome) => !outcome.startsWith("2"));
    const how = [...new Set(refused)].join(" or ") || "failed";
    const row: FaultRow = {
      scenario: `${outage.name}: ${refused.length} of ${traffic.partPuts.length} part PUTs ${how}, sent again`,
      uploads: 1,
      acknowledged: acknowledged ? 1 : 0,
      recovered:
        recovered && (await downloadsIntact(stack, { artifact: recovered, sha256: file.sha256 })) ? 1 : 0,
      lost: lost.length,
      orphanedBytesFound: bucket.found,
      orphanedBytesUnreported: bucket.unreported,
      calls: traffic.completes.length,
      answered: answeredIds.length,
      sameArtifact:
        new Set(answeredIds).size <= 1 && answeredIds.every((id) => !returned || id === returned.id),
    };
    const details: OutageDetails = {
      signal: outage.signal,
      artifact: acknowledged,
      error,
      sha256: file.sha256,
      ms,
      partPuts: traffic.partPuts,
      pidBefore: radosgw,
      pidAfter,
      healthDuringOutage,
      healthAfter,
      log,
      strayKeys: bucket.strayKeys,
      openUploads: bucket.openUploads,
    };
    return { row, details };
  } finally {
    await storageBack?.catch(() => []);
    outage.release?.(radosgw);
    await file.remove();
  }
};

/**
 * Starts a Ceph cluster in a temp folder and a stack over it, uploads through each outage in
 * turn, and stops and removes both. The stack's catalogue is a database of its own on
 * PostgreSQL (DATABASE_URL), as the reconciler sweeps the whole catalogue.
 */
export const runStorageOutageFaults = async (): Promise<{ rows: FaultRow[]; details: OutageDetails[] }> => {
  const dataDir = await mkdtemp(join(tmpdir(), "storage-outage-"));
  const log: string[] = [];
  let s3: LocalS3 | undefined;
  let stack: TestStack | undefined;
  try {
    await ensureCephInstalled();
    s3 = await startLocalS3({ dataDir, log: (line) => log.push(line) });
    stack = await startTestStack(
      {
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_REGION: s3.region,
        UPLOAD_PART_SIZE_BYTES: String(PART_SIZE),
      },
      { ownDatabase: true },
    );
    const rig: Rig = { stack, dataDir, log };
    const ledger: Ledger = { claimed: [], lost: new Set(), strayKeys: new Set(), openUploads: new Set() };
    const rows: FaultRow[] = [];
    const details: OutageDetails[] = [];
    for (const outage of [KILLED, STOPPED]) {
      const result = await uploadThrough(rig, outage, ledger);
      rows.push(result.row);
      details.push(result.details);
    }
    return { rows, details };
  } finally {
    await stack?.close();
    await s3?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};
