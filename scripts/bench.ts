// `npm run bench`: every bench-*.ts in turn (upload throughput first, then signing, bundles,
// search, verification, ingest...), each against a baseline measured in the same process;
// BENCH_ONLY=upload,signing,... runs those alone. Prints tables; asserts nothing.
import { benchAudit } from "./bench-audit";
import { benchBackup } from "./bench-backup";
import { benchCli } from "./bench-cli";
import { benchConsole } from "./bench-console";
import { benchCrawlee } from "./bench-crawlee";
import { benchFunctions } from "./bench-functions";
import { benchIngest } from "./bench-ingest";
import { benchScrapy } from "./bench-scrapy";
import { benchSearch } from "./bench-search";
import { benchSigning } from "./bench-signing";
import { quietBenchEnv, runBench } from "./bench-stack";
import { benchUpload } from "./bench-upload";
import { benchVerify } from "./bench-verify";
import { benchDownloadable } from "./bench-verify-now";

quietBenchEnv();

/** Every bench in the order `npm run bench` runs them; BENCH_ONLY=upload,signing,... runs those alone. */
const BENCHES: [name: string, run: () => Promise<unknown>][] = [
  ["upload", benchUpload],
  ["signing", benchSigning],
  ["functions", benchFunctions],
  ["search", benchSearch],
  ["verify", benchVerify],
  ["downloadable", benchDownloadable],
  ["backup", benchBackup],
  ["cli", benchCli],
  ["console", benchConsole],
  ["crawlee", benchCrawlee],
  ["scrapy", benchScrapy],
  ["audit", benchAudit],
  ["ingest", benchIngest],
];

const runBenches = async () => {
  const only = (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = only.filter((name) => !BENCHES.some(([known]) => known === name));
  if (unknown.length > 0) {
    throw new Error(`BENCH_ONLY names no bench ${unknown.join(", ")}: ${BENCHES.map(([n]) => n).join(", ")}`);
  }
  for (const [name, run] of BENCHES) if (only.length === 0 || only.includes(name)) await run();
};

runBench(runBenches);
