// Faults injected into upload completion, and what became of the uploads: shared by
// test/crash-safe-completion.test.ts (which asserts nothing is lost) and `npm run faults` (which
// prints the table). Each scenario runs on a stack with a database of its own.
import type { UploadCreated } from "@artifact-store/api";
import {
  COMPLETION_STEPS,
  type CompletionStep,
  completionFailpoint,
  Reconciler,
  type ReconcileSettings,
} from "@artifact-store/artifacts";
import { armFailpoint, type IntegrityRun } from "@artifact-store/core";
import { integrityOf } from "@artifact-store/runtime";
import { storageOf, verifierOf } from "@artifact-store/runtime/storage";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { completeRawUpload, openRawUpload, sendAllRawParts } from "./raw-uploads";
import { MiB, randomBytesOf, sha256, sha256OfResponse, type TestStack } from "./stack";

export interface FaultRow {
  scenario: string;
  /** Uploads whose bytes all reached storage. */
  uploads: number;
  /** Uploads whose first complete call answered 200. */
  acknowledged: number;
  /** Uploads not acknowledged at first that ended downloadable (a retry, or the reconciler). */
  recovered: number;
  /** Acknowledged or recovered uploads that are not downloadable with their SHA-256 at the end. */
  lost: number;
  /** Bytes of the scenario's objects that no live artifact claims, as the reconciler reported them. */
  orphanedBytesFound: number;
  /** The same, but missing from the reconciler's report: must be 0. */
  orphanedBytesUnreported: number;
  /** Complete calls made (first, retries, concurrent callers), and how many answered 200. */
  calls: number;
  answered: number;
  /** Every caller that got a 200 got the upload's own artifact. */
  sameArtifact: boolean;
}

/** The simulated crash: the operation stops at the point, as a killed process would. */
export class SimulatedCrash extends Error {
  constructor(point: string) {
    super(`simulated crash at ${point}`);
  }
}

/** Arms a crash at the point for the next call only. */
export const crashOnceAt = (point: string): void => {
  const disarm = armFailpoint(point, () => {
    disarm();
    throw new SimulatedCrash(point);
  });
};

export interface Attempt {
  created: UploadCreated;
  bytes: Uint8Array<ArrayBuffer>;
  token: string;
  firstStatus: number;
  calls: number;
  /** Artifact ids of every 200 answer (first call, retries, concurrent callers). */
  answeredIds: string[];
}

export type Sent = Omit<Attempt, "firstStatus" | "calls" | "answeredIds">;

export const MULTIPART_SIZE = 10 * MiB + 123;
const SINGLE_SIZE = 64 * 1024;

export const upload = async (
  stack: FaultTarget & { tokenFor: (userId: string) => Promise<string> },
  size: number,
  options: { declareSha256?: boolean } = {},
): Promise<Sent> => {
  const token = await stack.tokenFor(`faults-${crypto.randomUUID().slice(0, 8)}`);
  const bytes = randomBytesOf(size);
  const created = await openRawUpload(stack.api, token, bytes, options);
  await sendAllRawParts(stack.api, token, created, bytes);
  return { created, bytes, token };
};

/** One complete call; status 0 when the connection was cut with no answer (the server died). */
export const complete = async (stack: FaultTarget, attempt: Sent) => {
  try {
    const answer = await completeRawUpload(stack.api, attempt.token, attempt.created.uploadId, {
      sha256: sha256(attempt.bytes),
    });
    return { status: answer.status, id: answer.status === 200 ? String(answer.body.id) : null };
  } catch {
    return { status: 0, id: null };
  }
};

/** The reconciler, run now or with a clock moved on (past upload expiry, past the orphan grace). */
const reconcile = (stack: TestStack, settings: ReconcileSettings, offsetMs = 0): Promise<IntegrityRun> => {
  const { runtime } = stack;
  const clock = () => new Date(Date.now() + offsetMs);
  return new Reconciler(
    integrityOf(runtime),
    runtime.catalog,
    storageOf(runtime),
    verifierOf(runtime),
    settings,
    clock,
  ).run();
};

/** Where a scenario's uploads went: the API to call, and the bucket behind it. */
export type FaultTarget = Pick<TestStack, "api" | "s3" | "bucket">;

const downloadsIntact = async (stack: FaultTarget, attempt: Attempt): Promise<boolean> => {
  const response = await stack.api(`/v1/artifacts/${attempt.created.artifactId}/download`, {
    token: attempt.token,
  });
  if (response.status !== 302) return false;
  const location = response.headers.get("location");
  if (!location) return false;
  const bytes = await fetch(location);
  return bytes.status === 200 && (await sha256OfResponse(bytes)) === sha256(attempt.bytes);
};

/** Tallies a scenario: downloads every upload, and checks each leftover object was reported. */
export const tally = async (
  stack: FaultTarget,
  scenario: string,
  attempts: Attempt[],
  report: Pick<IntegrityRun, "findings">,
): Promise<FaultRow> => {
  const row: FaultRow = {
    scenario,
    uploads: attempts.length,
    acknowledged: 0,
    recovered: 0,
    lost: 0,
    orphanedBytesFound: 0,
    orphanedBytesUnreported: 0,
    calls: 0,
    answered: 0,
    sameArtifact: true,
  };
  const reported = new Set(
    report.findings
      .filter((finding) => finding.kind === "object_without_record")
      .map((finding) => String(finding.objectKey)),
  );
  const listed = await stack.s3.send(
    new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: "artifacts/" }),
  );
  for (const attempt of attempts) {
    const acknowledged = attempt.firstStatus === 200;
    if (acknowledged) row.acknowledged += 1;
    row.calls += attempt.calls;
    row.answered += attempt.answeredIds.length;
    const intact = await downloadsIntact(stack, attempt);
    if (intact && !acknowledged) row.recovered += 1;
    if (!intact && (acknowledged || attempt.answeredIds.length > 0)) row.lost += 1;
    if (attempt.answeredIds.some((id) => id !== attempt.created.artifactId)) row.sameArtifact = false;
    if (intact) continue;
    for (const object of listed.Contents ?? []) {
      if (!object.Key?.includes(attempt.created.artifactId)) continue;
      if (reported.has(object.Key)) row.orphanedBytesFound += object.Size ?? 0;
      else row.orphanedBytesUnreported += object.Size ?? 0;
    }
  }
  return row;
};

const NO_DELETES: ReconcileSettings = { deleteOrphansAfterSeconds: null };

/** The steps a single-PUT upload goes through (it has no parts to list and no storage complete). */
const SINGLE_PUT_STEPS: readonly CompletionStep[] = [
  "storage-completed",
  "sidecar-written",
  "catalogue-committed",
];

/** A crash after the step, then the client retries complete: 200, the same artifact. */
const crashThenRetry = async (stack: TestStack, step: CompletionStep, size: number, mode: string) => {
  const sent = await upload(stack, size);
  crashOnceAt(completionFailpoint(step));
  const first = await complete(stack, sent);
  const retried = await complete(stack, sent);
  const attempt: Attempt = {
    ...sent,
    firstStatus: first.status,
    calls: 2,
    answeredIds: [first.id, retried.id].filter((id): id is string => id !== null),
  };
  return tally(
    stack,
    `${mode}: crash after ${step}, client retries`,
    [attempt],
    await reconcile(stack, NO_DELETES),
  );
};

/** A crash after the step, and the client never comes back: the reconciler finishes the upload. */
const crashThenReconcile = async (stack: TestStack, step: CompletionStep, size: number, mode: string) => {
  const sent = await upload(stack, size);
  crashOnceAt(completionFailpoint(step));
  const first = await complete(stack, sent);
  const attempt: Attempt = {
    ...sent,
    firstStatus: first.status,
    calls: 1,
    answeredIds: first.id ? [first.id] : [],
  };
  const report = await reconcile(stack, NO_DELETES);
  return tally(stack, `${mode}: crash after ${step}, client gone, reconciler`, [attempt], report);
};

/** Six completes of one upload at once: every one 200, the same artifact. */
const concurrentCompletes = async (stack: TestStack, size: number, mode: string) => {
  const sent = await upload(stack, size);
  const answers = await Promise.all(Array.from({ length: 6 }, () => complete(stack, sent)));
  const attempt: Attempt = {
    ...sent,
    firstStatus: answers.every((answer) => answer.status === 200) ? 200 : 409,
    calls: answers.length,
    answeredIds: answers.flatMap((answer) => (answer.id ? [answer.id] : [])),
  };
  return tally(stack, `${mode}: 6 concurrent completes`, [attempt], await reconcile(stack, NO_DELETES));
};

/**
 * The uploader crashed after storage completed and never declared the SHA-256 (it meant to at
 * complete): nothing can vouch for the bytes. Past its expiry the upload is aborted, and its
 * object is reported as an orphan, then deleted once older than the grace.
 */
const undeclaredOrphan = async (stack: TestStack) => {
  const sent = await upload(stack, MULTIPART_SIZE, { declareSha256: false });
  crashOnceAt(completionFailpoint("storage-completed"));
  const first = await complete(stack, sent);
  const attempt: Attempt = { ...sent, firstStatus: first.status, calls: 1, answeredIds: [] };
  const twoDays = 2 * 86_400_000;
  const found = await reconcile(stack, NO_DELETES, twoDays);
  const row = await tally(
    stack,
    "multipart: crash after storage-completed, no SHA-256, client gone",
    [attempt],
    found,
  );
  const cleaned = await reconcile(stack, { deleteOrphansAfterSeconds: 3600 }, twoDays);
  return { row, found, cleaned };
};

export const runCompletionFaults = async (stack: TestStack) => {
  const rows: FaultRow[] = [];
  for (const step of COMPLETION_STEPS)
    rows.push(await crashThenRetry(stack, step, MULTIPART_SIZE, "multipart"));
  for (const step of SINGLE_PUT_STEPS)
    rows.push(await crashThenRetry(stack, step, SINGLE_SIZE, "single PUT"));
  for (const step of ["storage-completed", "sidecar-written"] as const) {
    rows.push(await crashThenReconcile(stack, step, MULTIPART_SIZE, "multipart"));
    rows.push(await crashThenReconcile(stack, step, SINGLE_SIZE, "single PUT"));
  }
  rows.push(await concurrentCompletes(stack, MULTIPART_SIZE, "multipart"));
  rows.push(await concurrentCompletes(stack, SINGLE_SIZE, "single PUT"));
  const orphan = await undeclaredOrphan(stack);
  rows.push(orphan.row);
  return { rows, orphan };
};

/** The settings a fault stack runs with: small parts, so 10 MiB is a two-part upload. */
export const FAULT_STACK_ENV = { UPLOAD_PART_SIZE_BYTES: String(5 * MiB) };
