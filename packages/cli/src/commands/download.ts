// artifact-store download ID... | --query ...: each artifact's bytes into a folder, SHA-256 checked
// while they are written, several at once.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ArtifactView } from "@artifact-store/api";
import type { Command } from "commander";
import { connect } from "../connect";
import { exitFor, UsageError } from "../exit-codes";
import { bytes, duration, errorJson, errorLine, rate } from "../format";
import { onInterrupt } from "../interrupt";
import { eachConcurrently } from "../pool";
import { createProgress } from "../progress";
import { addFilters, allMatches, type FilterFlags, searchOptionsOf } from "./search";
import { positiveInteger } from "./upload";

interface DownloadFlags extends FilterFlags {
  output: string;
  limit?: number;
  overwrite?: boolean;
  concurrency: number;
  json?: boolean;
}

/**
 * The stored filename as a name in the output folder: its last segment, with nothing that could
 * climb out of the folder or hide in it.
 */
export const safeName = (filename: string, id: string): string => {
  const last = filename.split(/[/\\]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = last.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return cleaned === "" || cleaned === "." || cleaned === ".." ? id : cleaned;
};

/**
 * Where an artifact goes in the output folder: under the path it was uploaded from with
 * `upload --recursive` (metadata.relativePath), each segment cleaned so nothing climbs out; else
 * its filename.
 */
export const targetPath = (artifact: Pick<ArtifactView, "id" | "filename" | "metadata">): string => {
  const relativePath = artifact.metadata?.relativePath;
  const name = safeName(artifact.filename, artifact.id);
  if (typeof relativePath !== "string") return name;
  const folders = relativePath
    .split(/[/\\]/)
    .slice(0, -1)
    .map((segment) => safeName(segment, ""))
    .filter((segment) => segment !== "");
  return [...folders, name].join("/");
};

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

const sha256OfFile = async (path: string): Promise<string> => {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
};

export class ChecksumMismatchError extends Error {
  override name = "ChecksumMismatchError";
  readonly code = "sha256_mismatch";
}

export const registerDownload = (program: Command): void => {
  addFilters(
    program
      .command("download")
      .description("download artifacts by id, or every match of a search (--query and the search filters)")
      .argument("[ids...]", "artifact ids; none: the artifacts the filters match"),
  )
    .option("-o, --output <dir>", "the folder to write to (created if missing)", ".")
    .option(
      "-l, --limit <n>",
      "with filters: at most this many artifacts",
      positiveInteger("--limit", 1_000_000),
    )
    .option("--overwrite", "replace files that exist (default: such an artifact fails, the rest go on)")
    .option("-c, --concurrency <n>", "artifacts downloaded at once", positiveInteger("--concurrency", 64), 4)
    .option("--json", "JSON lines on stdout: one per artifact, then a summary (no bars)")
    .action(async (ids: string[], flags: DownloadFlags, command: Command) => {
      process.exitCode = await download(ids, flags, command);
    });
};

const download = async (ids: string[], flags: DownloadFlags, command: Command): Promise<number> => {
  const query = searchOptionsOf(flags);
  const filtered = Object.keys(query).length > 0;
  if (ids.length > 0 && filtered) throw new UsageError("Give artifact ids or search filters, not both.");
  if (ids.length === 0 && !filtered)
    throw new UsageError("Name the artifacts: ids, or --query / --tag / ... (see download --help).");
  const { client } = await connect(command, { anonymous: true });
  const json = Boolean(flags.json);
  const folder = resolve(flags.output);
  await mkdir(folder, { recursive: true });

  // Who the artifacts are, first: sizes for the total bar, names for the files.
  const artifacts: (ArtifactView | { id: string; error: unknown })[] = [];
  if (ids.length > 0) {
    await eachConcurrently(ids, 8, async (id, index) => {
      artifacts[index] = await client.get(id).catch((error: unknown) => ({ id, error }));
    });
  } else for await (const artifact of allMatches(client, query, flags.limit)) artifacts.push(artifact);
  if (artifacts.length === 0) console.error("No artifacts match.");

  const taken = new Set<string>();
  const targets = artifacts.map((artifact) => {
    if ("error" in artifact) return null;
    let name = targetPath(artifact);
    if (taken.has(name)) name = join(dirname(name), `${artifact.id}-${basename(name)}`); // both kept
    taken.add(name);
    return join(folder, name);
  });

  const progress = createProgress({
    json,
    verb: "download",
    totalBytes: artifacts.reduce((sum, artifact) => sum + ("size" in artifact ? artifact.size : 0), 0),
    totalFiles: artifacts.length,
  });
  const stop = onInterrupt(() => progress.warn("Interrupted: stopping."));
  const counts = { downloaded: 0, skipped: 0, failed: 0, bytes: 0 };
  const started = performance.now();
  const fail = (id: string, error: unknown) => {
    counts.failed += 1;
    if (json) console.log(JSON.stringify({ event: "failed", id, error: errorJson(error) }));
    else progress.warn(`failed: ${id}: ${errorLine(error)}`);
  };

  /** Writes the bytes; null when the file is there already with the artifact's content. */
  const fetchOne = async (artifact: ArtifactView, path: string) => {
    if (!flags.overwrite && (await exists(path))) {
      if (artifact.sha256 && (await sha256OfFile(path)) === artifact.sha256) {
        progress.skip(artifact.size);
        return null;
      }
      throw new UsageError(`${path} exists with other content (pass --overwrite to replace it).`);
    }
    const bar = progress.start(artifact.filename, artifact.size);
    const partial = `${path}.artifact-store-partial`;
    try {
      await mkdir(dirname(path), { recursive: true });
      const response = await client.download(artifact.id);
      if (!response.body) throw new Error("Storage answered without a body.");
      const hash = createHash("sha256");
      let done = 0;
      const counting = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          hash.update(chunk);
          done += chunk.length;
          bar.update(done);
          next(null, chunk);
        },
      });
      await pipeline(
        Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
        counting,
        createWriteStream(partial, { mode: 0o644 }),
        { signal: stop.signal },
      );
      const sha256 = hash.digest("hex");
      if (artifact.sha256 && sha256 !== artifact.sha256)
        throw new ChecksumMismatchError(
          `SHA-256 ${sha256} of what storage sent is not the artifact's ${artifact.sha256}.`,
        );
      await rename(partial, path);
      bar.end();
      return { sha256, size: done };
    } catch (error) {
      bar.end(stop.signal.aborted ? "stopped" : "failed");
      await rm(partial, { force: true });
      throw error;
    }
  };

  try {
    await eachConcurrently(
      artifacts,
      flags.concurrency,
      async (artifact, index) => {
        const path = targets[index];
        if ("error" in artifact || !path)
          return fail(artifact.id, "error" in artifact ? artifact.error : null);
        try {
          const written = await fetchOne(artifact, path);
          if (!written) {
            counts.skipped += 1;
            if (json)
              console.log(
                JSON.stringify({
                  event: "skipped",
                  id: artifact.id,
                  path,
                  size: artifact.size,
                  sha256: artifact.sha256,
                }),
              );
            else progress.print(`${artifact.id}  ${path}  (already there)`);
            return;
          }
          const { sha256, size } = written;
          counts.downloaded += 1;
          counts.bytes += size;
          if (json) console.log(JSON.stringify({ event: "downloaded", id: artifact.id, path, size, sha256 }));
          else progress.print(`${artifact.id}  ${path}`);
        } catch (error) {
          fail(artifact.id, error);
        }
      },
      stop.signal,
    );
  } finally {
    progress.stop();
    stop.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  if (json)
    console.log(
      JSON.stringify({
        event: "summary",
        ...counts,
        artifacts: artifacts.length,
        seconds: Number(seconds.toFixed(3)),
      }),
    );
  console.error(
    `downloaded ${counts.downloaded} artifact(s) (${bytes(counts.bytes)}) to ${folder} in ${duration(seconds)}` +
      (seconds > 0 && counts.bytes > 0 ? `, ${rate(counts.bytes / seconds)}` : "") +
      (counts.skipped > 0 ? `; ${counts.skipped} already there` : "") +
      (counts.failed > 0 ? `; ${counts.failed} failed` : ""),
  );
  return exitFor({
    done: counts.downloaded + counts.skipped,
    failed: counts.failed,
    interrupted: stop.signal.aborted,
  });
};
