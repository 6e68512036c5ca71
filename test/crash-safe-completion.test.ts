import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { completionFailpoint } from "@artifact-store/artifacts";
import { disarmFailpoints } from "@artifact-store/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { crashOnceAt, FAULT_STACK_ENV, type FaultRow, runCompletionFaults } from "./support/fault-scenarios";
import { runProcessKillFaults } from "./support/process-kill-scenarios";
import {
  MiB,
  ownDatabase,
  randomBytesOf,
  sha256,
  sha256OfResponse,
  startTestStack,
  type TestStack,
} from "./support/stack";

// A crash between any two steps of completing an upload (simulated at failpoints), concurrent
// completes, and an uploader that never comes back: nothing acknowledged is lost, every caller of
// complete that got a 200 got the upload's own artifact, and every object left over is reported.

let stack: TestStack;
let rows: FaultRow[];
let orphan: Awaited<ReturnType<typeof runCompletionFaults>>["orphan"];

beforeAll(async () => {
  stack = await startTestStack(FAULT_STACK_ENV, { ownDatabase: true });
  ({ rows, orphan } = await runCompletionFaults(stack));
}, 600_000);
afterEach(() => disarmFailpoints());
afterAll(() => stack?.close());

const row = (scenario: string): FaultRow => {
  const found = rows.find((candidate) => candidate.scenario === scenario);
  if (!found) throw new Error(`no scenario ${scenario}: ${rows.map((r) => r.scenario).join(", ")}`);
  return found;
};

describe("a crash part-way through complete, then the client retries", () => {
  const steps = [
    "parts-listed",
    "completing-recorded",
    "storage-completed",
    "sidecar-written",
    "catalogue-committed",
  ];
  it.each(steps)(
    "multipart, after %s: the retry answers 200 with the same artifact, downloadable",
    (step) => {
      expect(row(`multipart: crash after ${step}, client retries`)).toMatchObject({
        uploads: 1,
        acknowledged: 0,
        calls: 2,
        answered: 1,
        recovered: 1,
        lost: 0,
        orphanedBytesUnreported: 0,
        sameArtifact: true,
      });
    },
  );

  it.each(["storage-completed", "sidecar-written", "catalogue-committed"])(
    "single PUT, after %s: the retry answers 200 with the same artifact, downloadable",
    (step) => {
      expect(row(`single PUT: crash after ${step}, client retries`)).toMatchObject({
        acknowledged: 0,
        calls: 2,
        answered: 1,
        recovered: 1,
        lost: 0,
        orphanedBytesUnreported: 0,
        sameArtifact: true,
      });
    },
  );
});

describe("a crash after storage holds the object, and the client never comes back", () => {
  it.each([
    ["multipart", "storage-completed"],
    ["multipart", "sidecar-written"],
    ["single PUT", "storage-completed"],
    ["single PUT", "sidecar-written"],
  ])("%s, after %s: the reconciler finishes the upload and it downloads intact", (mode, step) => {
    expect(row(`${mode}: crash after ${step}, client gone, reconciler`)).toMatchObject({
      acknowledged: 0,
      answered: 0,
      recovered: 1,
      lost: 0,
      orphanedBytesFound: 0,
      orphanedBytesUnreported: 0,
    });
  });
});

describe("concurrent completes of one upload", () => {
  it.each(["multipart", "single PUT"])("%s: six at once all answer 200 with the same artifact", (mode) => {
    expect(row(`${mode}: 6 concurrent completes`)).toMatchObject({
      acknowledged: 1,
      calls: 6,
      answered: 6,
      lost: 0,
      orphanedBytesUnreported: 0,
      sameArtifact: true,
    });
  });
});

describe("the SDK through a crash part-way through complete", () => {
  it.each(["storage-completed", "catalogue-committed"] as const)(
    "after %s: it sends complete again and returns the artifact, intact",
    async (step) => {
      const client = await stack.clientFor();
      const bytes = randomBytesOf(10 * MiB + 7);
      crashOnceAt(completionFailpoint(step));
      const artifact = await client.upload(bytes, { filename: "through-a-crash.bin" });
      expect(artifact).toMatchObject({ size: bytes.length, sha256: sha256(bytes), state: "verified" });
      expect(await sha256OfResponse(await client.download(artifact.id))).toBe(sha256(bytes));
    },
  );
});

describe("bytes nothing can vouch for", () => {
  it("are reported as an orphan once the upload expires, and deleted only past the configured grace", () => {
    expect(row("multipart: crash after storage-completed, no SHA-256, client gone")).toMatchObject({
      recovered: 0,
      lost: 0,
      orphanedBytesUnreported: 0,
    });
    expect(orphan.found.summary).toMatchObject({ expiredUploadsAborted: 1, orphansDeleted: 0 });
    expect(Number(orphan.found.summary.orphanedBytes)).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(orphan.cleaned.summary).toMatchObject({ orphansDeleted: 1 });
    expect(orphan.cleaned.findings).toContainEqual(
      expect.objectContaining({ kind: "object_without_record", artifactState: "deleted", deleted: true }),
    );
  });
});

describe("the API process SIGKILLed right after each step of a multipart completion", () => {
  let killed: FaultRow[];
  let cleanup = async () => {};
  beforeAll(async () => {
    // Each process opens the catalogue in turn: a database of its own, or PGlite in a folder.
    const database = await ownDatabase();
    const folder = database ? null : await mkdtemp(join(tmpdir(), "killed-catalog-"));
    cleanup = async () => {
      await database?.drop();
      if (folder) await rm(folder, { recursive: true, force: true });
    };
    killed = await runProcessKillFaults(
      database ? { DATABASE_URL: database.url } : { CATALOG_DATA_DIR: folder ?? "" },
    );
  }, 600_000);
  afterAll(() => cleanup());

  it("a restarted server answers the client's retry with the same artifact, and nothing is lost", () => {
    const retried = killed.filter((row) => row.scenario.endsWith("client retries"));
    expect(retried).toHaveLength(5);
    for (const row of retried) {
      expect(row, row.scenario).toMatchObject({
        acknowledged: 0,
        answered: 1,
        recovered: 1,
        lost: 0,
        orphanedBytesUnreported: 0,
        sameArtifact: true,
      });
    }
  });

  it("with no client coming back, the restarted server's reconciler finishes the upload", () => {
    const reconciled = killed.filter((row) => row.scenario.endsWith("reconciler"));
    expect(reconciled).toHaveLength(2);
    for (const row of reconciled) {
      expect(row, row.scenario).toMatchObject({ recovered: 1, lost: 0, orphanedBytesUnreported: 0 });
    }
  });
});
