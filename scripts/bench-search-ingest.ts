// The ingest that runs beside searches in bench-search's "under ingest" mode (issue 16): uploads
// recorded in the catalogue at a steady rate, each as the upload functions record it (the real
// Uploads service opening it, then completing it, an audit event for each call), on a pool of its
// own as other function instances would hold. Storage is the in-memory fake the artifacts unit
// tier uses: the searches compete with the catalogue's writes, not with S3.
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Uploads } from "@artifact-store/artifacts";
import { type AuditEvent, AuditTrail } from "@artifact-store/audit";
import { Catalog, openDatabase, PartChecksumRecords } from "@artifact-store/catalog";
import type { Principal } from "@artifact-store/core";
import { FakeStorage } from "../packages/artifacts/src/testing/fake-storage";
import { TEST_UPLOAD_SETTINGS } from "../packages/artifacts/src/testing/uploaded";

export interface IngestLoad {
  /** Stops starting uploads, waits for those under way; what was recorded meanwhile. */
  stop: () => Promise<{ recorded: number; failed: number; seconds: number; perSecond: number }>;
}

const auditEvent = (actor: string, action: string, status: number, artifactId: string): AuditEvent => ({
  at: new Date(),
  actor,
  action,
  artifactId,
  outcome: "allowed",
  status,
  requestId: randomUUID(),
  sourceIp: "203.0.113.7",
  userAgent: "artifact-store-sdk/0.1 bench",
});

/**
 * Starts recording `perSecond` uploads of a few KiB, by owners `owners` names, tagged from `tags`
 * and fetched from `hosts`, so they land where the searches look.
 */
export const startIngestLoad = async (options: {
  url: string;
  perSecond: number;
  owners: readonly string[];
  tags: readonly string[];
  hosts: readonly string[];
}): Promise<IngestLoad> => {
  const db = await openDatabase({ url: options.url, embeddedDataDir: "" });
  const storage = new FakeStorage();
  const uploads = new Uploads(
    new Catalog(db),
    storage.asObjectStorage,
    TEST_UPLOAD_SETTINGS,
    new PartChecksumRecords(db),
  );
  const audit = new AuditTrail(db);
  const at = <T>(values: readonly T[], n: number): T => values[n % values.length] as T;

  const uploadOne = async (n: number) => {
    const owner: Principal = {
      kind: "user",
      id: at(options.owners, n * 7),
      roles: [],
      scopes: ["read", "upload", "write"],
    };
    const bytes = Buffer.from(`<html><body>page ${n} ${randomUUID()}</body></html>`);
    const host = at(options.hosts, n * 13);
    const opening = await uploads.create(owner, {
      filename: `page-${n}.html`,
      contentType: "text/html",
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      dedupe: false,
      tags: [at(options.tags, n), at(options.tags, n * 31 + 5)],
      metadata: { section: "news", n },
      provenance: {
        sourceUrl: `https://${host}/page/${n}`,
        httpStatus: 200,
        fetchedAt: new Date().toISOString(),
      },
    });
    if (opening.deduplicated) return;
    const { upload } = opening;
    await audit.append(auditEvent(`user:${owner.id}`, "createUpload", 201, upload.artifactId));
    storage.putObject(upload.objectKey, bytes);
    await uploads.complete(owner, upload.id);
    await audit.append(auditEvent(`user:${owner.id}`, "completeUpload", 200, upload.artifactId));
  };

  let stopped = false;
  let recorded = 0;
  let failed = 0;
  const underWay = new Set<Promise<void>>();
  const started = performance.now();
  const pacing = (async () => {
    for (let n = 0; !stopped; n += 1) {
      // Paced against the start, so a slow upload delays none after it.
      const wait = started + (n * 1000) / options.perSecond - performance.now();
      if (wait > 0) await sleep(wait);
      if (stopped) break;
      const one: Promise<void> = uploadOne(n).then(
        () => {
          recorded += 1;
        },
        () => {
          failed += 1;
        },
      );
      underWay.add(one);
      void one.finally(() => underWay.delete(one));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await pacing;
      await Promise.all(underWay);
      const seconds = (performance.now() - started) / 1000;
      await db.close();
      return { recorded, failed, seconds, perSecond: recorded / seconds };
    },
  };
};
