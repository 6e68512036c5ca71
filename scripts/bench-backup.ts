// Backup and restore throughput (issue 7): seeds N small artifacts (objects put straight to
// storage, catalogue rows inserted set-based) and a few large ones, then times a full backup, an
// incremental one with nothing new, and a full restore (bytes copied back, re-hashed, records
// written). The baseline, measured in the same run: a bare CopyObject of every object into another
// bucket at the same concurrency, what a backup cannot beat. Scale with BENCH_BACKUP_SMALL (10000),
// BENCH_BACKUP_LARGE (3) and BENCH_BACKUP_LARGE_MIB (64). `npm run bench` calls benchBackup() at
// the end; `npx tsx scripts/bench-backup.ts` runs it alone. Prints a table; asserts nothing.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { backupsOf, storageOf } from "@artifact-store/runtime/storage";
import pMap from "p-map";
import { runAlone, say, timed, withBenchStack } from "./bench-stack";
import { printTable } from "./bench-table";

const MiB = 1024 * 1024;
const SMALL = Number(process.env.BENCH_BACKUP_SMALL ?? 10_000);
const LARGE = Number(process.env.BENCH_BACKUP_LARGE ?? 3);
const LARGE_SIZE = Number(process.env.BENCH_BACKUP_LARGE_MIB ?? 64) * MiB;
const SEED_CONCURRENCY = 64;
const COPY_CONCURRENCY = 16;

interface Seeded {
  id: string;
  owner: string;
  key: string;
  size: number;
  sha256: string;
}

// A catalogue of this run's own, in memory (the stack's default): a backup copies every artifact
// the catalogue holds.
export const benchBackup = (): Promise<void> =>
  withBenchStack("backup", {}, async (api) => {
    const { runtime } = api;
    const live = storageOf(runtime);
    const bucket = api.config.storage.bucket;
    const seeded: Seeded[] = [];
    say(`seeding ${SMALL} small and ${LARGE} x ${LARGE_SIZE / MiB} MiB artifacts`);
    const large = Array.from({ length: LARGE }, () => randomBytes(LARGE_SIZE));
    const bodies: Buffer[] = [
      ...Array.from({ length: SMALL }, (_, i) => randomBytes(200 + (i % 800))),
      ...large,
    ];
    for (const [index, body] of bodies.entries()) {
      const id = randomUUID();
      const owner = `bench-owner-${index % 10}`;
      seeded.push({
        id,
        owner,
        key: `artifacts/users/${owner}/${id}.bin`,
        size: body.length,
        sha256: createHash("sha256").update(body).digest("hex"),
      });
    }
    await pMap(
      [...seeded.keys()],
      async (index) => {
        const item = seeded[index] as Seeded;
        await live.putBytes(item.key, bodies[index] as Buffer, "application/octet-stream");
      },
      { concurrency: SEED_CONCURRENCY },
    );
    const now = new Date().toISOString();
    for (let start = 0; start < seeded.length; start += 2000) {
      const batch = seeded.slice(start, start + 2000);
      await runtime.catalog.db.query(
        `insert into artifacts (id, owner_id, object_key, filename, content_type, size, sha256, state,
           created_at, updated_at, uploaded_at, verified_at)
         select id, owner, key, 'payload.bin', 'application/octet-stream', size, sha256, 'verified',
           $6::timestamptz, $6::timestamptz, $6::timestamptz, $6::timestamptz
         from unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[]) as t(id, owner, key, size, sha256)`,
        [
          batch.map((item) => item.id),
          batch.map((item) => item.owner),
          batch.map((item) => item.key),
          batch.map((item) => item.size),
          batch.map((item) => item.sha256),
          now,
        ],
      );
    }
    const totalMiB = seeded.reduce((sum, item) => sum + item.size, 0) / MiB;
    const count = seeded.length;

    // Baseline: every object copied server-side once, nothing else.
    const scratch = live.otherBucket(`${bucket}-copy`);
    await scratch.ensureBucket();
    const baseline = await timed(() =>
      pMap(seeded, (item) => scratch.copyFrom(live, item.key, item.key, item.size), {
        concurrency: COPY_CONCURRENCY,
      }),
    );
    const full = await timed(() => backupsOf(runtime).run());
    const incremental = await timed(() => backupsOf(runtime).run());
    const restore = await timed(() => backupsOf(runtime).restore(incremental.value.snapshot.id));
    if (restore.value.mismatched.length > 0) throw new Error("restored bytes do not match their SHA-256");

    const row = (what: string, artifacts: number, mib: number, seconds: number) => [
      what,
      artifacts,
      mib.toFixed(1),
      seconds.toFixed(2),
      (artifacts / seconds).toFixed(0),
      (mib / seconds).toFixed(1),
      (artifacts / seconds / (count / baseline.seconds)).toFixed(2),
    ];
    printTable(
      `Backup and restore of ${SMALL} small + ${LARGE} x ${LARGE_SIZE / MiB} MiB artifacts (${totalMiB.toFixed(0)} MiB)`,
      ["what", "artifacts", "MiB", "seconds", "artifacts/s", "MiB/s", "ratio vs baseline"],
      [
        row("CopyObject of every object, 16 at once (baseline)", count, totalMiB, baseline.seconds),
        row(
          `full backup (${full.value.snapshot.copied} copied)`,
          full.value.snapshot.artifacts,
          totalMiB,
          full.seconds,
        ),
        row(
          `incremental backup (${incremental.value.snapshot.copied} copied)`,
          incremental.value.snapshot.artifacts,
          incremental.value.snapshot.copiedBytes / MiB,
          incremental.seconds,
        ),
        row("full restore (copy back + re-hash + record)", restore.value.restored, totalMiB, restore.seconds),
      ],
    );
    // The large objects are what fills a small test store: gone from all three buckets.
    for (const item of seeded.filter((entry) => entry.size >= MiB)) {
      await live.deleteObject(item.key);
      await scratch.deleteObject(item.key);
      await live
        .otherBucket(runtime.config.backup.bucket)
        .deleteObject(`content/sha256/${item.sha256.slice(0, 2)}/${item.sha256}`);
    }
  });

runAlone(import.meta.url, benchBackup);
