// The web console's weight: builds packages/console with Vite and prints what a first visit loads
// (the scripts and stylesheets index.html names, gzipped) against the 300 KiB budget, upload
// widget included; what loads later on demand (hash-wasm, for the SHA-256 of uploads) apart.
import { buildConsole, builtAssets } from "@artifact-store/console/build";
import { runAlone } from "./bench-stack";
import { printTable } from "./bench-table";

const BUDGET_BYTES = 300 * 1024;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export const benchConsole = async (): Promise<void> => {
  const started = performance.now();
  await buildConsole();
  const buildSeconds = (performance.now() - started) / 1000;
  const assets = await builtAssets();
  const initial = assets.filter((asset) => asset.initial);
  const onDemand = assets.filter((asset) => !asset.initial);
  const sum = (list: typeof assets, kind: "js" | "css") =>
    list.filter((asset) => asset.kind === kind).reduce((total, asset) => total + asset.gzipBytes, 0);
  const initialJs = sum(initial, "js");
  printTable(
    `Web console: initial load, gzip (vite build in ${buildSeconds.toFixed(1)} s)`,
    ["asset", "loaded", "bytes", "gzip"],
    assets.map((asset) => [
      asset.file,
      asset.initial ? "initially" : "on demand",
      kib(asset.bytes),
      kib(asset.gzipBytes),
    ]),
  );
  printTable(
    "Web console vs its budget",
    ["what", "gzip", "budget", "within"],
    [
      [
        "initial JS (upload widget included)",
        kib(initialJs),
        kib(BUDGET_BYTES),
        initialJs <= BUDGET_BYTES ? "yes" : "NO",
      ],
      ["initial CSS", kib(sum(initial, "css")), "—", "—"],
      ["JS loaded on demand", kib(sum(onDemand, "js")), "—", "—"],
    ],
  );
};

runAlone(import.meta.url, benchConsole);
