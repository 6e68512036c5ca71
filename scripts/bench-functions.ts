// Every function bundled as `sst deploy` bundles it (packages/bundle), then: bundle size, whether
// the AWS SDK is inside, and the cold import time in a fresh `node` process (median of RUNS),
// against the targets of issue 8 and two baselines bundled and measured in the same run, plus the
// floor every catalogue function stands on (Hono, postgres, jose, valibot and nothing of ours).
// `npm run bench:functions` runs it alone.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bundle, bundleFunctions, bundleSource, coldImportOnce, median } from "@artifact-store/bundle";
import { FUNCTIONS } from "@artifact-store/manifest";
import { runAlone, say } from "./bench-stack";
import { printTable } from "./bench-table";

const RUNS = 9;
const KiB = 1024;

/** Issue 8: a function without the SDK under 60 KiB and 30 ms; with it, under 450 KiB and 120 ms. */
export const TARGETS = {
  withoutSdk: { kib: 60, ms: 30 },
  withSdk: { kib: 450, ms: 120 },
} as const;

const BASELINES = [
  {
    name: "baseline: bare Hono app",
    source: `import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
const app = new Hono();
app.get("/", (c) => c.json({ ok: true }));
export const handler = handle(app);`,
  },
  {
    name: "baseline: Hono + S3Client + presigner",
    source: `import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { S3Client, UploadPartCommand, CreateMultipartUploadCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
const s3 = new S3Client({ region: "us-east-1" });
const app = new Hono();
app.post("/", async (c) => {
  await s3.send(new CreateMultipartUploadCommand({ Bucket: "b", Key: "k" }));
  return c.json({ url: await getSignedUrl(s3, new UploadPartCommand({ Bucket: "b", Key: "k", UploadId: "u", PartNumber: 1 })) });
});
export const handler = handle(app);`,
  },
  {
    // The floor of a catalogue function: the libraries every one of them needs, and none of ours.
    name: "reference: Hono + postgres + jose + valibot",
    source: `import { Hono } from "hono/tiny";
import { handle } from "hono/aws-lambda";
import { jwtVerify } from "jose";
import postgres from "postgres";
import * as v from "valibot";
const sql = postgres(process.env.DATABASE_URL ?? "postgres://localhost/x", { max: 1 });
const Body = v.object({ name: v.pipe(v.string(), v.maxLength(100)) });
const key = new TextEncoder().encode("x".repeat(32));
const app = new Hono();
app.post("/", async (c) => {
  await jwtVerify(c.req.header("authorization") ?? "", key);
  const body = v.parse(Body, await c.req.json());
  return c.json(await sql\`select \${body.name} as name\`);
});
export const handler = handle(app);`,
  },
] as const;

interface Measured {
  name: string;
  bundle: Bundle;
  ms: number;
  baseline: boolean;
}

const kib = (bytes: number) => (bytes / KiB).toFixed(1);

/** Bundles and measures every function and the baselines; prints the tables; returns the misses. */
export const benchFunctions = async (root = process.cwd()): Promise<string[]> => {
  // Outside the repository, so a bundle cannot quietly resolve a missing external from node_modules.
  const outDir = await mkdtemp(join(tmpdir(), "artifact-bundles-"));
  try {
    say(`bundling ${FUNCTIONS.length} functions and ${BASELINES.length} baselines as sst deploy would`);
    const bundles: Omit<Measured, "ms">[] = [];
    for (const baseline of BASELINES) {
      const outfile = join(outDir, `${bundles.length}-baseline.mjs`);
      bundles.push({
        name: baseline.name,
        bundle: await bundleSource(baseline.source, outfile, { root }),
        baseline: true,
      });
    }
    const functions = await bundleFunctions(FUNCTIONS, join(outDir, "functions"), { root });
    for (const entry of FUNCTIONS) {
      const bundle = functions.get(entry.name);
      if (bundle) bundles.push({ name: entry.name, bundle, baseline: false });
    }

    // Round-robin, so no bundle gets a systematically warmer disk cache or a quieter CPU.
    say(`cold-importing each bundle in a fresh node process, ${RUNS} runs each`);
    const samples = bundles.map(() => [] as number[]);
    for (let run = 0; run < RUNS; run += 1) {
      for (const [index, { bundle }] of bundles.entries()) {
        samples[index]?.push(await coldImportOnce(bundle.outfile));
      }
    }
    const measured: Measured[] = bundles.map((b, index) => ({ ...b, ms: median(samples[index] ?? []) }));
    const [bare, sdk] = measured;
    if (!bare || !sdk) throw new Error("baselines missing");

    const misses: string[] = [];
    const rows = measured.map((m) => {
      const withSdk = m.bundle.includesAwsSdk;
      const target = withSdk ? TARGETS.withSdk : TARGETS.withoutSdk;
      const reference = withSdk ? sdk : bare;
      const sizeOk = m.bundle.bytes / KiB < target.kib;
      const timeOk = m.ms < target.ms;
      if (!m.baseline) {
        if (!sizeOk) misses.push(`${m.name}: ${kib(m.bundle.bytes)} KiB, target < ${target.kib} KiB`);
        if (!timeOk) misses.push(`${m.name}: ${m.ms.toFixed(1)} ms, target < ${target.ms} ms`);
      }
      return [
        m.name,
        withSdk ? "yes" : "no",
        kib(m.bundle.bytes),
        m.baseline && m === reference ? "1.00" : (m.bundle.bytes / reference.bundle.bytes).toFixed(2),
        `< ${target.kib}`,
        m.ms.toFixed(1),
        m.baseline && m === reference ? "1.00" : (m.ms / reference.ms).toFixed(2),
        `< ${target.ms}`,
        m.baseline
          ? "-"
          : sizeOk && timeOk
            ? "yes"
            : `NO (${[sizeOk ? "" : "size", timeOk ? "" : "time"].filter(Boolean).join(", ")})`,
        m.bundle.externalImports.join(", ") || "-",
      ];
    });
    printTable(
      `Function bundles as deployed (esbuild ESM, minified, node20), cold import = median of ${RUNS} fresh node processes; ratios against the baseline of the same kind (with or without the AWS SDK)`,
      [
        "function",
        "AWS SDK",
        "KiB",
        "x base",
        "target KiB",
        "cold ms",
        "x base",
        "target ms",
        "meets",
        "left external",
      ],
      rows,
    );

    // Where the bytes come from: every function over its size target, else the biggest of each kind.
    const overSize = measured.filter(
      (m) =>
        !m.baseline &&
        m.bundle.bytes / KiB >= (m.bundle.includesAwsSdk ? TARGETS.withSdk.kib : TARGETS.withoutSdk.kib),
    );
    const biggest = (sdkInside: boolean) =>
      measured
        .filter((m) => !m.baseline && m.bundle.includesAwsSdk === sdkInside)
        .sort((a, b) => b.bundle.bytes - a.bundle.bytes)[0];
    const explain =
      overSize.length > 0 ? overSize : [biggest(false), biggest(true)].filter((m) => m !== undefined);
    printTable(
      "Largest contributors (esbuild metafile, bytes in the minified output, grouped by package)",
      ["function", "top inputs"],
      explain.map((m) => [
        m.name,
        m.bundle.contributors
          .slice(0, 6)
          .map((c) => `${c.source} ${kib(c.bytes)}`)
          .join(", "),
      ]),
    );
    if (misses.length > 0) say(`targets missed:\n  ${misses.join("\n  ")}`);
    else say("every function meets its size and cold import targets");
    return misses;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
};

runAlone(import.meta.url, benchFunctions);
