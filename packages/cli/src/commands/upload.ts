// artifact-store upload PATH...: files, folders (--recursive) and globs, several files at once,
// with progress bars, resumable through the upload journal.
import { basename } from "node:path";
import type { ArtifactView } from "@artifact-store/api";
import { ArtifactStoreError, type UploadOptions } from "@artifact-store/client";
import { type Command, InvalidArgumentError, Option } from "commander";
import { collect, connect } from "../connect";
import { EXIT, exitFor, UsageError } from "../exit-codes";
import { bytes, duration, errorJson, errorLine, rate } from "../format";
import { onInterrupt } from "../interrupt";
import { type JournalEntry, journalFile, journalKey, UploadJournal } from "../journal";
import { contentTypeOf, expandPaths, type LocalFile } from "../local-files";
import { eachConcurrently } from "../pool";
import { createProgress } from "../progress";

interface UploadFlags {
  recursive?: boolean;
  tag?: string[];
  metadata?: string[];
  contentType?: string;
  visibility?: "private" | "public";
  expiresAt?: string;
  sourceUrl?: string;
  finalUrl?: string;
  httpStatus?: number;
  fetchedAt?: string;
  jobId?: string;
  runId?: string;
  userAgent?: string;
  dedupe: boolean;
  batch: boolean;
  concurrency: number;
  partConcurrency: number;
  force?: boolean;
  json?: boolean;
}

export const positiveInteger = (name: string, max: number) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max)
    throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
  return number;
};

/** `key=value` is a string; `key:=JSON` a typed value (`pages:=3`, `draft:=true`, `tags:=["a"]`). */
export const parseMetadata = (pairs: string[]): Record<string, unknown> | undefined => {
  if (pairs.length === 0) return undefined;
  const metadata: Record<string, unknown> = {};
  for (const pair of pairs) {
    const typed = /^([^=:]+):=(.*)$/s.exec(pair);
    const plain = /^([^=]+)=(.*)$/s.exec(pair);
    if (typed?.[1] !== undefined) {
      try {
        metadata[typed[1]] = JSON.parse(typed[2] ?? "");
      } catch {
        throw new UsageError(`--metadata ${pair}: the value after := is not JSON.`);
      }
    } else if (plain?.[1] !== undefined) metadata[plain[1]] = plain[2] ?? "";
    else throw new UsageError(`--metadata ${pair}: expected key=value (or key:=JSON).`);
  }
  return metadata;
};

/**
 * Where a file sat under the folder it was uploaded from, as metadata (`relativePath`), so that
 * `download` rebuilds the tree; a `relativePath` the caller gave with --metadata wins.
 */
const metadataWithPath = (
  metadata: Record<string, unknown> | undefined,
  file: LocalFile,
): { metadata?: Record<string, unknown> } => {
  if (!file.relativePath || (metadata && "relativePath" in metadata)) return metadata ? { metadata } : {};
  return { metadata: { ...metadata, relativePath: file.relativePath } };
};

/** A resumed upload storage no longer has (aborted, expired, completed elsewhere): start it afresh. */
const uploadGone = (error: unknown) =>
  error instanceof ArtifactStoreError &&
  (error.status === 404 || error.status === 409 || error.status === 410);

/**
 * Files under this go through the batch calls, read whole into memory (within uploadMany's
 * maxHeldBytes, 256 MiB by default, across the batches under way); larger ones upload on their
 * own, multipart, with a bar each, resumable part by part.
 */
export const BATCH_FILE_MAX = 1024 * 1024;

interface FileJob {
  /** Its place among the files: batches and bars keep the order they were given in. */
  index: number;
  file: LocalFile;
  options: UploadOptions;
  key: string;
  entry: JournalEntry | undefined;
}

type Outcome =
  | { event: "uploaded"; resumed: boolean; heldBytes: number; artifact: ArtifactView }
  | { event: "skipped"; artifact: ArtifactView }
  | { event: "failed" | "interrupted"; error: unknown };

export const registerUpload = (program: Command): void => {
  program
    .command("upload")
    .description(
      "upload files, folders (--recursive) and glob patterns, several at once; Ctrl-C and the same command again resumes",
    )
    .argument("<paths...>", "files, folders or quoted glob patterns such as 'crawl/**/*.html'")
    .option(
      "-r, --recursive",
      "upload the files under folders (symlinked folders are not followed); each keeps its path from the folder as metadata.relativePath",
    )
    .option("-t, --tag <tag>", "a tag for every file (repeatable)", collect)
    .option(
      "-m, --metadata <key=value>",
      "custom metadata (repeatable); key:=JSON for numbers, booleans, lists",
      collect,
    )
    .option("--content-type <type>", "media type of every file (default: by extension)")
    .addOption(new Option("--visibility <visibility>", "who may read them").choices(["private", "public"]))
    .option("--expires-at <time>", "delete them at this ISO 8601 time")
    .option("--source-url <url>", "provenance: the URL the content was fetched from")
    .option("--final-url <url>", "provenance: the URL after redirects")
    .option(
      "--http-status <code>",
      "provenance: the HTTP status of the fetch",
      positiveInteger("--http-status", 599),
    )
    .option("--fetched-at <time>", "provenance: when it was fetched (ISO 8601)")
    .option("--job-id <id>", "provenance: the crawl job")
    .option("--run-id <id>", "provenance: the crawl run")
    .option("--user-agent <text>", "provenance: the fetcher's user agent")
    .option("--no-dedupe", "send the bytes even when you already hold an artifact with the same content")
    .option("-c, --concurrency <n>", "files uploaded at once", positiveInteger("--concurrency", 64), 8)
    .option(
      "--part-concurrency <n>",
      "parts of one file in flight at once",
      positiveInteger("--part-concurrency", 32),
      4,
    )
    .option(
      "--no-batch",
      "upload every file on its own (two API calls a file), not small files 100 to a call",
    )
    .option("--force", "upload again files the journal says are uploaded already")
    .option("--json", "JSON lines on stdout: one per file, then a summary (no bars)")
    .action(async (paths: string[], flags: UploadFlags, command: Command) => {
      process.exitCode = await upload(paths, flags, command);
    });
};

const upload = async (paths: string[], flags: UploadFlags, command: Command): Promise<number> => {
  const files = await expandPaths(paths, { recursive: Boolean(flags.recursive) });
  const metadata = parseMetadata(flags.metadata ?? []);
  const provenance = Object.fromEntries(
    Object.entries({
      sourceUrl: flags.sourceUrl,
      finalUrl: flags.finalUrl,
      httpStatus: flags.httpStatus,
      fetchedAt: flags.fetchedAt,
      jobId: flags.jobId,
      runId: flags.runId,
      userAgent: flags.userAgent,
    }).filter(([, value]) => value !== undefined),
  );
  const shared: UploadOptions = {
    ...(flags.tag ? { tags: flags.tag } : {}),
    ...(metadata ? { metadata } : {}),
    ...(Object.keys(provenance).length > 0 ? { provenance } : {}),
    ...(flags.visibility ? { visibility: flags.visibility } : {}),
    ...(flags.expiresAt ? { expiresAt: flags.expiresAt } : {}),
    ...(flags.dedupe ? {} : { dedupe: false }),
  };
  const { client, settings } = await connect(command);
  const journal = await UploadJournal.open(journalFile());
  const json = Boolean(flags.json);
  const progress = createProgress({
    json,
    verb: "upload",
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    totalFiles: files.length,
  });
  const stop = onInterrupt(() =>
    progress.warn("Interrupted: finishing the journal; Ctrl-C again to quit at once."),
  );
  const counts = { uploaded: 0, skipped: 0, failed: 0, interrupted: 0, bytes: 0, sentBytes: 0 };
  const started = performance.now();

  const report = (file: LocalFile, outcome: Outcome) => {
    const base = { path: file.path, size: file.size };
    if (outcome.event === "uploaded" || outcome.event === "skipped") {
      if (outcome.event === "uploaded") {
        counts.uploaded += 1;
        counts.bytes += file.size;
        counts.sentBytes += file.size - outcome.heldBytes;
      } else counts.skipped += 1;
      if (json)
        console.log(
          JSON.stringify({
            event: outcome.event,
            ...base,
            artifactId: outcome.artifact.id,
            ...(outcome.event === "uploaded"
              ? { resumed: outcome.resumed, heldBytes: outcome.heldBytes }
              : {}),
            artifact: outcome.artifact,
          }),
        );
      else
        progress.print(
          `${outcome.artifact.id}  ${file.shown}${outcome.event === "skipped" ? "  (already uploaded)" : outcome.resumed ? "  (resumed)" : ""}`,
        );
      return;
    }
    counts[outcome.event] += 1;
    if (json) console.log(JSON.stringify({ event: outcome.event, ...base, error: errorJson(outcome.error) }));
    else if (outcome.event === "failed") progress.warn(`failed: ${file.shown}: ${errorLine(outcome.error)}`);
  };

  /** What each file uploads with, and its journal entry (none with --force). */
  const jobs: FileJob[] = files.map((file, index) => {
    const options: UploadOptions = {
      ...shared,
      ...metadataWithPath(shared.metadata, file),
      filename: basename(file.path),
      contentType: flags.contentType ?? contentTypeOf(file.path),
    };
    const key = journalKey(settings.url, file, options);
    return { index, file, options, key, entry: flags.force ? undefined : journal.get(key) };
  });

  /** Skipped when the journal says it was uploaded and its artifact is still there. */
  const alreadyUploaded = async (job: FileJob): Promise<Outcome | undefined> => {
    if (!job.entry?.artifactId) return undefined;
    const existing = await client.get(job.entry.artifactId).catch((error: unknown) => {
      if (error instanceof ArtifactStoreError && error.status === 404) return null;
      throw error;
    });
    if (existing && existing.state !== "deleted") {
      progress.skip(job.file.size);
      return { event: "skipped", artifact: existing };
    }
    journal.forget(job.key);
    job.entry = undefined;
    return undefined;
  };

  /** A file of its own: multipart when large, with a bar, resuming the upload the journal holds. */
  const uploadAlone = async ({ file, options, key, entry }: FileJob): Promise<Outcome> => {
    const bar = progress.start(file.shown, file.size);
    let resuming = Boolean(entry?.uploadId);
    let first = true;
    let heldBytes = 0;
    const attempt = (uploadId: string | undefined) =>
      client.upload(file.path, {
        ...options,
        concurrency: flags.partConcurrency,
        signal: stop.signal,
        ...(uploadId ? { uploadId } : {}),
        onProgress: (state) => {
          if (first) {
            first = false;
            if (!uploadId) journal.opened(key, file.path, state.uploadId);
            else {
              heldBytes = state.uploadedBytes;
              bar.held(heldBytes);
            }
          }
          bar.update(state.uploadedBytes);
        },
      });
    try {
      let artifact: ArtifactView;
      try {
        artifact = await attempt(entry?.uploadId);
      } catch (error) {
        if (!resuming || !uploadGone(error)) throw error;
        resuming = false;
        first = true;
        heldBytes = 0;
        journal.forget(key);
        artifact = await attempt(undefined);
      }
      journal.finished(key, file.path, artifact.id);
      bar.end();
      return { event: "uploaded", resumed: resuming, heldBytes, artifact };
    } catch (error) {
      bar.end(stop.signal.aborted ? "stopped" : "failed");
      return { event: stop.signal.aborted ? "interrupted" : "failed", error };
    }
  };

  /**
   * Small files, 100 to a call through the batch API (uploadMany): one open and one complete per
   * 100 instead of two calls a file. Each is journaled as it finishes; one interrupted is sent
   * whole again next time (it is small).
   */
  const uploadInBatches = async (batch: FileJob[]) => {
    const answered = new Set<number>();
    const stored = new Set<number>();
    try {
      await client.uploadMany(
        // A batch declares each file's SHA-256, so the store would answer an artifact of the same
        // content the caller already holds; a file from a folder keeps its own relativePath
        // instead, as the one-by-one path (which declares no SHA-256) always did.
        batch.map(({ file, options }) => ({
          source: file.path,
          options: file.relativePath ? { ...options, dedupe: false } : options,
        })),
        {
          concurrency: flags.concurrency,
          signal: stop.signal,
          onStored: (index) => {
            stored.add(index);
            progress.stored((batch[index] as FileJob).file.size);
          },
          onResult: (index, result) => {
            const { file, key } = batch[index] as FileJob;
            answered.add(index);
            if (result.ok) {
              journal.finished(key, file.path, result.artifact.id);
              progress.settled(file.size, "done", stored.has(index));
              report(file, { event: "uploaded", resumed: false, heldBytes: 0, artifact: result.artifact });
            } else {
              const stopped = stop.signal.aborted;
              progress.settled(file.size, stopped ? "stopped" : "failed", stored.has(index));
              report(file, { event: stopped ? "interrupted" : "failed", error: result.error });
            }
          },
        },
      );
    } catch (error) {
      // uploadMany answers each file through onResult, even when the store refuses a batch call
      // as a whole (a 429 on the open); it throws for Ctrl-C, whose files not answered yet were
      // not started, or for what a callback here threw, which fails the files left.
      if (stop.signal.aborted) return;
      for (const [index, { file }] of batch.entries())
        if (!answered.has(index)) {
          progress.settled(file.size, "failed", stored.has(index));
          report(file, { event: "failed", error });
        }
    }
  };

  try {
    const alone: FileJob[] = [];
    const batched: FileJob[] = [];
    await eachConcurrently(
      jobs,
      flags.concurrency,
      async (job) => {
        const skipped = await alreadyUploaded(job).catch((error: unknown) => ({
          event: "failed" as const,
          error,
        }));
        if (skipped) report(job.file, skipped);
        else
          (flags.batch && job.file.size < BATCH_FILE_MAX && !job.entry?.uploadId ? batched : alone).push(job);
      },
      stop.signal,
    );
    if (batched.length > 0 && !stop.signal.aborted)
      await uploadInBatches(batched.sort((a, b) => a.index - b.index));
    await eachConcurrently(
      alone.sort((a, b) => a.index - b.index),
      flags.concurrency,
      async (job) => {
        report(
          job.file,
          await uploadAlone(job).catch((error: unknown) => ({ event: "failed" as const, error })),
        );
      },
      stop.signal,
    );
  } finally {
    await journal.flush();
    progress.stop();
    stop.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const interrupted = stop.signal.aborted;
  const notStarted = files.length - counts.uploaded - counts.skipped - counts.failed - counts.interrupted;
  if (json)
    console.log(
      JSON.stringify({
        event: "summary",
        ...counts,
        notStarted,
        files: files.length,
        seconds: Number(seconds.toFixed(3)),
      }),
    );
  console.error(
    [
      `uploaded ${counts.uploaded} file${counts.uploaded === 1 ? "" : "s"} (${bytes(counts.bytes)}` +
        `${counts.sentBytes < counts.bytes ? `, ${bytes(counts.sentBytes)} sent now, the rest resumed` : ""}) in ${duration(seconds)}`,
      seconds > 0 && counts.uploaded > 0
        ? `${rate(counts.sentBytes / seconds)}, ${(counts.uploaded / seconds).toFixed(1)} files/s`
        : "",
      counts.skipped > 0 ? `skipped ${counts.skipped} already uploaded` : "",
      counts.failed > 0 ? `${counts.failed} failed` : "",
    ]
      .filter(Boolean)
      .join("; "),
  );
  if (interrupted) {
    console.error(
      `Interrupted: ${counts.interrupted + notStarted} file(s) not finished. Run the same command again to resume (only missing parts are sent).`,
    );
    return EXIT.interrupted;
  }
  return exitFor({ done: counts.uploaded + counts.skipped, failed: counts.failed });
};
