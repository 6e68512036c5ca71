// Storage going away in the middle of an SDK multipart upload, on a Ceph cluster of this file's
// own (the shared one other test files use is never touched): radosgw killed with SIGKILL, which
// supervision restarts, and radosgw stopped with SIGSTOP, which the SDK's stall detector gives up
// on. Either way the upload completes with every byte, and nothing is left behind in the bucket.
// The scenarios live in support/storage-outage-scenarios.ts, which `npm run faults` prints.
//
// It runs on both catalogue engines: completion writes to the catalogue after the outage.
import { beforeAll, describe, expect, it } from "vitest";
import type { FaultRow } from "./support/fault-scenarios";
import {
  OUTAGE_UPLOAD_SIZE,
  type OutageDetails,
  runStorageOutageFaults,
} from "./support/storage-outage-scenarios";

let run: { rows: FaultRow[]; details: OutageDetails[] };

// The cluster's start and both uploads, in one run: the limits of the hook and two tests they had.
beforeAll(async () => {
  run = await runStorageOutageFaults();
}, 360_000);

const outage = (signal: OutageDetails["signal"]) => {
  const index = run.details.findIndex((details) => details.signal === signal);
  const [row, details] = [run.rows[index], run.details[index]];
  if (!row || !details) throw new Error(`the ${signal} scenario did not run`);
  return { row, details };
};

/** The SDK returned the artifact, which downloads with its SHA-256; the bucket holds nothing else. */
const expectNothingLost = ({ row, details }: ReturnType<typeof outage>) => {
  expect(details.error).toBeNull();
  expect(details.artifact).toMatchObject({ size: OUTAGE_UPLOAD_SIZE, sha256: details.sha256 });
  expect(row).toMatchObject({
    uploads: 1,
    acknowledged: 1,
    recovered: 0,
    lost: 0,
    orphanedBytesFound: 0,
    orphanedBytesUnreported: 0,
    calls: 1,
    answered: 1,
    sameArtifact: true,
  });
  expect(details.strayKeys).toEqual([]);
  expect(details.openUploads).toEqual([]);
};

describe("storage outage during a multipart upload", () => {
  it("radosgw killed with SIGKILL is restarted, the SDK retries, the upload completes", () => {
    const killed = outage("SIGKILL");
    const { details } = killed;
    console.log(`upload through a radosgw kill: ${details.ms} ms; part PUTs: ${details.partPuts.join(" ")}`);
    console.log(details.log.filter((line) => line.startsWith("radosgw")).join("\n"));

    expect(details.partPuts).toContain("failed");
    expect(details.healthDuringOutage).toEqual([503, 200]);
    expect(details.pidAfter).not.toBe(details.pidBefore);
    expect(details.log).toContainEqual(
      expect.stringMatching(/^radosgw exited \(signal SIGKILL\); restarting in 1 s/),
    );
    expect(details.log).toContainEqual(expect.stringMatching(/^radosgw is back after 1 restart /));
    expect(details.healthAfter).toBe(200);
    expectNothingLost(killed);
  });

  it("radosgw stopped with SIGSTOP: stalled part PUTs are given up and sent again", () => {
    const stopped = outage("SIGSTOP");
    const { details } = stopped;
    console.log(`upload through a radosgw stop: ${details.ms} ms; part PUTs: ${details.partPuts.join(" ")}`);

    expect(details.partPuts).toContain("stalled");
    // A stopped daemon has not exited: nothing for supervision to do.
    expect(details.pidAfter).toBe(details.pidBefore);
    expect(details.log.filter((line) => line.includes("restarting"))).toEqual([]);
    expectNothingLost(stopped);
  });
});
