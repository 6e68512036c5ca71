// What `upload PATH...` means on disk: files, folders (with --recursive) and glob patterns.
import type { Dirent, Stats } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { UsageError } from "./exit-codes";

export interface LocalFile {
  /** Absolute: the journal's key, and what is opened. */
  path: string;
  /** As people read it: relative to the working folder when under it. */
  shown: string;
  size: number;
  mtimeMs: number;
  /**
   * For a file found under a folder argument: its path from that folder's parent, `/`-separated
   * (`site/img/a.png` for `upload -r site`), kept as metadata so `download` can rebuild the tree.
   */
  relativePath?: string;
}

const JOURNAL_NAMES = new Set([".artifact-store-journal.json"]);

const shown = (path: string) => {
  const fromHere = relative(process.cwd(), path);
  return fromHere && !fromHere.startsWith("..") && !isAbsolute(fromHere) ? fromHere : path;
};

const fileOf = (path: string, stats: Stats, root?: string): LocalFile => ({
  path,
  shown: shown(path),
  size: stats.size,
  mtimeMs: stats.mtimeMs,
  ...(root ? { relativePath: relative(dirname(root), path).split(sep).join("/") } : {}),
});

/** Regular files under a folder, symlinks to files included; symlinked folders are not entered (no loops). */
const walk = async (folder: string, into: LocalFile[], root = folder): Promise<void> => {
  const entries: Dirent[] = await readdir(folder, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await walk(path, into, root);
    else if (entry.isFile() && !JOURNAL_NAMES.has(entry.name))
      into.push(fileOf(path, await stat(path), root));
    else if (entry.isSymbolicLink()) {
      const target = await stat(path).catch(() => null);
      if (target?.isFile()) into.push(fileOf(path, target, root));
    }
  }
};

/**
 * Every file the arguments name, each once, in the order given (a folder's files sorted). Checked
 * before anything is sent: a missing path, a folder without --recursive or a pattern matching
 * nothing is a usage error.
 */
export const expandPaths = async (args: string[], options: { recursive: boolean }): Promise<LocalFile[]> => {
  const found: LocalFile[] = [];
  for (const arg of args) {
    const path = resolve(arg);
    const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return null;
      throw error;
    });
    if (stats?.isFile()) found.push(fileOf(path, stats));
    else if (stats?.isDirectory()) {
      if (!options.recursive)
        throw new UsageError(`${arg} is a folder: pass --recursive (-r) to upload the files under it.`);
      const before = found.length;
      await walk(path, found);
      if (found.length === before) console.error(`warning: ${arg} holds no files.`);
    } else if (stats) throw new UsageError(`${arg} is neither a file nor a folder.`);
    else if (isDynamicPattern(arg)) {
      const matches = await glob(arg, {
        onlyFiles: true,
        absolute: true,
        dot: false,
        followSymbolicLinks: false,
      });
      if (matches.length === 0) throw new UsageError(`${arg} matches no file.`);
      for (const match of matches.sort()) found.push(fileOf(match, await stat(match)));
    } else throw new UsageError(`${arg}: no such file or folder.`);
  }
  const seen = new Set<string>();
  return found.filter((file) => !seen.has(file.path) && seen.add(file.path));
};

/** Media types by extension: files carry none of their own, and storage serves what is declared. */
const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".htm": "text/html",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".md": "text/markdown",
  ".xml": "application/xml",
  ".json": "application/json",
  ".jsonl": "application/jsonl",
  ".ndjson": "application/x-ndjson",
  ".js": "text/javascript",
  ".css": "text/css",
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
  ".avif": "image/avif",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mp3": "audio/mpeg",
  ".zip": "application/zip",
  ".gz": "application/gzip",
  ".tgz": "application/gzip",
  ".tar": "application/x-tar",
  ".zst": "application/zstd",
  ".warc": "application/warc",
  ".har": "application/json",
  ".parquet": "application/vnd.apache.parquet",
};

export const contentTypeOf = (path: string): string =>
  TYPES[extname(basename(path)).toLowerCase()] ?? "application/octet-stream";
