// The upload journal: which local files (by absolute path, size and mtime) this CLI already sent,
// or began to send, to which store with which options. It lets Ctrl-C and the same command again
// resume: open uploads continue with only their missing parts, finished files are skipped.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { LocalFile } from "./local-files";
import { configDir } from "./settings";

export interface JournalEntry {
  path: string;
  /** Set once the upload is open: `upload(path, { uploadId })` resumes it. */
  uploadId?: string;
  /** Set once the upload completed: the file is skipped while this artifact exists. */
  artifactId?: string;
  updatedAt: string;
}

/** Entries untouched this long are dropped: storage has aborted their uploads long since. */
const KEEP_MS = 30 * 24 * 3600 * 1000;
/** Completions within this long are written together: one write per file would dominate 1,000 small files. */
const FLUSH_DELAY_MS = 250;

export const journalFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(configDir(env), "upload-journal.json");

/**
 * The same file at the same store with the same upload options (tags, metadata, provenance, ...)
 * is the same entry; change any of them, or the file, and it is a new upload.
 */
export const journalKey = (url: string, file: LocalFile, options: unknown): string =>
  createHash("sha256")
    .update(JSON.stringify([url, file.path, file.size, file.mtimeMs, options]))
    .digest("base64url")
    .slice(0, 32);

const load = async (file: string): Promise<Record<string, JournalEntry>> => {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as { entries?: Record<string, JournalEntry> };
    return parsed.entries ?? {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    // A journal that cannot be read costs re-sending, never a wrong skip: start afresh.
    console.error(`warning: ignoring unreadable upload journal ${file}`);
    return {};
  }
};

export class UploadJournal {
  private readonly changed = new Map<string, JournalEntry | null>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly entries: Record<string, JournalEntry>,
  ) {}

  static async open(file: string): Promise<UploadJournal> {
    return new UploadJournal(file, await load(file));
  }

  get(key: string): JournalEntry | undefined {
    return this.entries[key];
  }

  opened(key: string, path: string, uploadId: string): void {
    this.set(key, { path, uploadId, updatedAt: new Date().toISOString() });
  }

  finished(key: string, path: string, artifactId: string): void {
    this.set(key, { path, artifactId, updatedAt: new Date().toISOString() });
  }

  forget(key: string): void {
    delete this.entries[key];
    this.changed.set(key, null);
    this.flushSoon();
  }

  private set(key: string, entry: JournalEntry) {
    this.entries[key] = entry;
    this.changed.set(key, entry);
    this.flushSoon();
  }

  private flushSoon() {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_DELAY_MS);
  }

  /**
   * Writes what changed, merged into the file as it is now (another upload may have written it
   * meanwhile), through a temporary file and a rename: a journal is never left half written.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.changed.size === 0) return this.writing;
    const changes = [...this.changed];
    this.changed.clear();
    this.writing = this.writing.then(async () => {
      const current = await load(this.file);
      for (const [key, entry] of changes) {
        if (entry) current[key] = entry;
        else delete current[key];
      }
      const cutoff = Date.now() - KEEP_MS;
      for (const [key, entry] of Object.entries(current))
        if (Date.parse(entry.updatedAt) < cutoff) delete current[key];
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify({ version: 1, entries: current }), { mode: 0o600 });
      await rename(temporary, this.file);
    });
    return this.writing;
  }
}
