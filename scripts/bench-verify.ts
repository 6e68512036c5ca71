// Verification throughput (issue 5): uploads 256 MiB to the local S3 server, then times the
// verifier reading it back and hashing it (what the scheduled verify-artifacts run and the admin
// re-verify do) against `sha256sum` of the same bytes on disk, the baseline, measured in the same
// run. Two more rows tell the parts apart: node:crypto over the file (hashing alone) and a bare
// GetObject stream (reading alone). `npx tsx scripts/bench-verify.ts` runs it alone. Prints a
// table; asserts nothing.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { signToken } from "@artifact-store/auth";
import { ArtifactStoreClient } from "@artifact-store/client";
import { storageOf, verifierOf } from "@artifact-store/runtime/storage";
import { median, runAlone, say, sha256OfFile, timed, withBenchStack, withScratchDir } from "./bench-stack";
import { printTable } from "./bench-table";
import { writeRandomFile } from "./random-file";

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_VERIFY_MIB ?? 256) * MiB;
const ROUNDS = 3;

export const benchVerify = async (): Promise<void> => {
  await withScratchDir("artifact-bench-verify-", (workDir) =>
    // Nothing verified at completion: every round below is the verifier's own.
    withBenchStack("verify", { VERIFY_INLINE_MAX_BYTES: "0" }, async (api) => {
      const file = join(workDir, "payload.bin");
      await writeRandomFile(file, SIZE);
      const token = await signToken(api.config.auth, { sub: "bench-verify" });
      const artifact = await new ArtifactStoreClient({ baseUrl: api.url, token }).upload(file, {
        filename: "payload.bin",
      });
      const stored = await api.runtime.catalog.findArtifact(artifact.id);
      if (!stored?.sha256) throw new Error("the upload left no record");
      say(`verifying ${SIZE / MiB} MiB, ${ROUNDS} rounds of each`);

      const rounds = {
        sha256sum: [] as number[],
        node: [] as number[],
        read: [] as number[],
        verifier: [] as number[],
      };
      for (let round = 0; round < ROUNDS; round += 1) {
        const sum = await timed(() => promisify(execFile)("sha256sum", [file]));
        if (!sum.value.stdout.startsWith(stored.sha256))
          throw new Error("sha256sum disagrees with the upload");
        rounds.sha256sum.push(sum.seconds);

        rounds.node.push((await timed(() => sha256OfFile(file))).seconds);

        rounds.read.push(
          (
            await timed(async () => {
              const object = await storageOf(api.runtime).readObject(stored.objectKey);
              let bytes = 0;
              for await (const chunk of object?.body ?? []) bytes += (chunk as Buffer).length;
              return bytes;
            })
          ).seconds,
        );

        const verified = await timed(() => verifierOf(api.runtime).reverify(artifact.id));
        if (verified.value.state !== "verified")
          throw new Error(`the verifier found ${verified.value.state}`);
        rounds.verifier.push(verified.seconds);
      }

      const rate = (seconds: number) => SIZE / MiB / seconds;
      const baseline = rate(median(rounds.sha256sum));
      const row = (what: string, seconds: number[]) => [
        what,
        median(seconds).toFixed(3),
        rate(median(seconds)).toFixed(0),
        (rate(median(seconds)) / baseline).toFixed(2),
      ];
      printTable(
        `SHA-256 verification of ${SIZE / MiB} MiB (median of ${ROUNDS})`,
        ["what", "seconds", "MiB/s", "ratio vs sha256sum"],
        [
          row("sha256sum of the file on disk (baseline)", rounds.sha256sum),
          row("node:crypto over the file on disk (hashing alone)", rounds.node),
          row("GetObject stream from S3, not hashed (reading alone)", rounds.read),
          row("verifier: GetObject + SHA-256 + sniff + record", rounds.verifier),
        ],
      );
    }),
  );
};

runAlone(import.meta.url, benchVerify);
