// How fast the API signs part URLs (issue 16): URLs per second through POST /v1/uploads and
// POST /v1/uploads/{id}/parts against presigning in-process (the baseline, same process), then
// where a signing request's time goes. `npx tsx scripts/bench-signing.ts` runs it alone.
import type { UploadCreated } from "@artifact-store/api";
import { signToken } from "@artifact-store/auth";
import { storageOf, uploadsOf } from "@artifact-store/runtime/storage";
import { Spans } from "./bench-spans";
import { apiPoster, runAlone, timed, withBenchStack } from "./bench-stack";
import { printTable } from "./bench-table";

/** A declared 100 GiB upload has thousands of parts to sign. */
const BIG = 100 * 1024 ** 3;
const CREATES = Number(process.env.BENCH_SIGNING_CREATES ?? 30);
const BATCHES = Number(process.env.BENCH_SIGNING_BATCHES ?? 10);
const RAW_URLS = Number(process.env.BENCH_SIGNING_RAW_URLS ?? 10_000);

// Part URLs are signed with each part's MD5; any well-formed one serves to time the signing.
const checksums = (count: number) =>
  Array.from({ length: count }, (_, n) => ({ partNumber: n + 1, md5: "1B2M2Y8AsgTpgAmY7PhCfg==" }));

const SETTINGS = {
  UPLOAD_PART_SIZE_BYTES: String(16 * 1024 * 1024),
  RATE_LIMIT_SIGNING_PER_MINUTE: "1000000",
};

export const benchSigning = (): Promise<void> =>
  withBenchStack("signing", SETTINGS, async (api) => {
    const token = await signToken(api.config.auth, { sub: "bench-signing" });
    const postJson = apiPoster(api.url, token);
    const post = (path: string, body: unknown) => postJson<UploadCreated>(path, body);
    const initial = api.config.service.limits.initialPartUrls;
    const create = () =>
      post("/v1/uploads", {
        filename: "big.warc",
        contentType: "application/warc",
        size: BIG,
        sha256: "0".repeat(64),
        parts: checksums(initial),
      });
    const signBatch = (uploadId: string) => post(`/v1/uploads/${uploadId}/parts`, { parts: checksums(1000) });

    const { uploadId } = await create(); // warms the path up
    let createUrls = 0;
    const { seconds: createSeconds } = await timed(async () => {
      for (let i = 0; i < CREATES; i += 1) createUrls += (await create()).parts.length;
    });
    let partUrls = 0;
    const { seconds: partSeconds } = await timed(async () => {
      for (let i = 0; i < BATCHES; i += 1) partUrls += (await signBatch(uploadId)).parts.length;
    });
    // Where a signing request's time goes: the presigner, or the handler's own work around it.
    const spans = new Spans();
    const { runtime } = api;
    spans.instrument("storage", storageOf(runtime), ["presignPart", "startMultipartUpload"]);
    spans.instrument("db", runtime.catalog.db, ["query", "transaction"]);
    spans.instrument("audit", runtime.audit, ["append"]);
    spans.instrument("runtime", runtime, ["authenticate"]);
    spans.instrument("uploads", uploadsOf(runtime), ["create", "sign"]);
    for (let i = 0; i < 10; i += 1) await spans.step(`create (${initial} URLs)`, create);
    for (let i = 0; i < 3; i += 1) await spans.step("parts (1000 URLs)", () => signBatch(uploadId));
    const upload = await api.runtime.catalog.findUpload(uploadId);
    const { seconds: rawSeconds } = await timed(async () => {
      for (let n = 1; n <= RAW_URLS; n += 1) {
        await storageOf(api.runtime).presignPart(
          upload?.objectKey ?? "",
          upload?.storageUploadId ?? "",
          (n % 10_000) + 1,
          { size: 16 * 1024 * 1024, ttlSeconds: 900, checksum: { md5: "1B2M2Y8AsgTpgAmY7PhCfg==" } },
        );
      }
    });
    const rawRate = RAW_URLS / rawSeconds;
    const row = (what: string, urls: number, seconds: number) => [
      what,
      urls,
      seconds.toFixed(2),
      (urls / seconds).toFixed(0),
      (urls / seconds / rawRate).toFixed(2),
    ];
    printTable(
      "Part URL signing",
      ["what", "URLs", "seconds", "URLs/s", "ratio vs in-process"],
      [
        row("presigner in-process (baseline)", RAW_URLS, rawSeconds),
        row(`POST /v1/uploads (${CREATES} creates, first ${initial} URLs each)`, createUrls, createSeconds),
        row(`POST /v1/uploads/{id}/parts (${BATCHES} x 1000)`, partUrls, partSeconds),
      ],
    );

    printTable("Where a signing request's time goes (mean per request)", Spans.HEADER, spans.rows());
  });

runAlone(import.meta.url, benchSigning);
