// The uploads of the page: each file through the SDK's upload (presigned parts straight to
// storage, per-part checksums, SHA-256), two files at a time, with pause, cancel and resume.
import { type ArtifactStoreClient, type ArtifactView, UploadInterruptedError } from "@artifact-store/client";
import { type Problem, problemOf } from "../ui/problem";
import { findUnfinished, forgetUnfinished, rememberUnfinished } from "./resume-records";
import { TransferRate } from "./transfer-rate";

export interface UploadChoices {
  tags: string[];
  metadata: Record<string, unknown>;
  visibility: "private" | "public";
}

export type UploadState = "queued" | "preparing" | "uploading" | "paused" | "done" | "failed" | "cancelled";

export interface UploadItem {
  key: string;
  file: File;
  /** The path inside a dropped folder, else the file's name. */
  path: string;
  choices: UploadChoices;
  state: UploadState;
  uploadedBytes: number;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  uploadId: string | null;
  /** It continued an upload begun before (another page load, or a pause). */
  resumed: boolean;
  artifact: ArtifactView | null;
  problem: Problem | null;
}

const FILES_AT_ONCE = 2;

export class UploadQueue {
  private items: UploadItem[] = [];
  private readonly controllers = new Map<string, AbortController>();
  private readonly listeners = new Set<(items: UploadItem[]) => void>();
  private nextKey = 0;

  constructor(
    private readonly client: ArtifactStoreClient,
    private readonly user: string,
  ) {}

  subscribe(listener: (items: UploadItem[]) => void): () => void {
    this.listeners.add(listener);
    listener(this.items);
    return () => this.listeners.delete(listener);
  }

  add(files: { file: File; path: string }[], choices: UploadChoices): void {
    for (const { file, path } of files) {
      this.nextKey += 1;
      this.items.push({
        key: `upload-${this.nextKey}`,
        file,
        path,
        choices,
        state: "queued",
        uploadedBytes: 0,
        bytesPerSecond: null,
        secondsLeft: null,
        uploadId: findUnfinished(this.user, file)?.uploadId ?? null,
        resumed: false,
        artifact: null,
        problem: null,
      });
    }
    this.changed();
    this.pump();
  }

  /** Stops sending; the upload stays open in storage, to be resumed. */
  pause(key: string): void {
    this.update(key, { state: "paused" });
    this.controllers.get(key)?.abort(new DOMException("Paused", "AbortError"));
  }

  resume(key: string): void {
    this.update(key, { state: "queued", problem: null });
    this.pump();
  }

  /** Stops sending and gives the upload up: storage drops the parts it holds. */
  cancel(key: string): void {
    const item = this.find(key);
    if (!item || item.state === "done" || item.state === "cancelled") return;
    const wasRunning = this.controllers.get(key);
    this.update(key, { state: "cancelled", bytesPerSecond: null, secondsLeft: null });
    wasRunning?.abort(new DOMException("Cancelled", "AbortError"));
    forgetUnfinished(this.user, item.file);
    if (item.uploadId) void this.client.abortUpload(item.uploadId).catch(() => {});
  }

  clearFinished(): void {
    this.items = this.items.filter((item) => !["done", "cancelled"].includes(item.state));
    this.changed();
  }

  private pump(): void {
    const running = this.items.filter((item) => item.state === "preparing" || item.state === "uploading");
    const waiting = this.items.filter((item) => item.state === "queued");
    for (const item of waiting.slice(0, Math.max(0, FILES_AT_ONCE - running.length))) void this.run(item.key);
  }

  private async run(key: string): Promise<void> {
    const item = this.find(key);
    if (!item) return;
    const controller = new AbortController();
    this.controllers.set(key, controller);
    const rate = new TransferRate();
    const resuming = item.uploadId !== null;
    this.update(key, { state: "preparing", problem: null, resumed: resuming });
    const { file, choices } = item;
    let remembered = resuming;
    try {
      const artifact = await this.client.upload(file, {
        filename: file.name,
        contentType: file.type || "application/octet-stream",
        tags: choices.tags,
        metadata:
          item.path === file.name ? choices.metadata : { ...choices.metadata, relativePath: item.path },
        visibility: choices.visibility,
        ...(item.uploadId ? { uploadId: item.uploadId } : {}),
        signal: controller.signal,
        onProgress: (progress) => {
          if (this.find(key)?.state === "cancelled") return;
          if (!remembered) {
            remembered = true;
            rememberUnfinished({
              uploadId: progress.uploadId,
              user: this.user,
              filename: file.name,
              size: file.size,
              lastModified: file.lastModified,
              startedAt: new Date().toISOString(),
            });
          }
          rate.record(progress.uploadedBytes);
          this.update(key, {
            state: "uploading",
            uploadId: progress.uploadId,
            uploadedBytes: progress.uploadedBytes,
            bytesPerSecond: rate.bytesPerSecond(),
            secondsLeft: rate.secondsLeft(progress.totalBytes),
          });
        },
      });
      forgetUnfinished(this.user, file);
      this.update(key, {
        state: "done",
        artifact,
        uploadedBytes: file.size,
        bytesPerSecond: null,
        secondsLeft: null,
      });
    } catch (error) {
      const state = this.find(key)?.state;
      if (state === "paused" || state === "cancelled") return;
      // An upload that cannot be resumed (expired, aborted elsewhere) starts over when retried.
      const cause = error instanceof UploadInterruptedError ? error.cause : error;
      const problem = problemOf(cause ?? error);
      if (problem.status === 409 || problem.status === 404) forgetUnfinished(this.user, file);
      this.update(key, {
        state: "failed",
        problem,
        bytesPerSecond: null,
        secondsLeft: null,
        ...(problem.status === 409 || problem.status === 404 ? { uploadId: null } : {}),
      });
    } finally {
      this.controllers.delete(key);
      this.pump();
    }
  }

  private find(key: string): UploadItem | undefined {
    return this.items.find((item) => item.key === key);
  }

  private update(key: string, change: Partial<UploadItem>): void {
    this.items = this.items.map((item) => (item.key === key ? { ...item, ...change } : item));
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener(this.items);
  }
}

/** All files of a drop, folders walked (as far as the browser lets a page read them). */
export const filesOfDrop = async (transfer: DataTransfer): Promise<{ file: File; path: string }[]> => {
  const entries = [...transfer.items]
    .map((item) => (item.kind === "file" ? item.webkitGetAsEntry?.() : null))
    .filter((entry): entry is FileSystemEntry => Boolean(entry));
  if (entries.length === 0) return [...transfer.files].map((file) => ({ file, path: file.name }));
  const found: { file: File; path: string }[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      found.push({ file, path: `${prefix}${file.name}` });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries answers in batches until it answers none.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, "");
  return found;
};
