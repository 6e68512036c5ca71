import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { href } from "../routing/hash-route";
import { useSignedIn } from "../session/context";
import { formatBytes, formatDuration, splitList } from "../ui/format";
import { ProblemMessage } from "../ui/problem-message";
import { forgetUnfinishedById, type UnfinishedUpload, unfinishedUploads } from "./resume-records";
import { filesOfDrop, type UploadChoices, type UploadItem, UploadQueue } from "./upload-queue";

const STATE_WORDS: Record<UploadItem["state"], string> = {
  queued: "waiting",
  preparing: "checksumming",
  uploading: "uploading",
  paused: "paused",
  done: "stored",
  failed: "failed",
  cancelled: "cancelled",
};

export const UploadPage = () => {
  const { client, session } = useSignedIn();
  const queue = useMemo(() => new UploadQueue(client, session.user), [client, session.user]);
  const [items, setItems] = useState<UploadItem[]>([]);
  const [tags, setTags] = useState("");
  const [metadata, setMetadata] = useState("");
  const [visibility, setVisibility] = useState<"private" | "public">("private");
  const [choiceProblem, setChoiceProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [unfinished, setUnfinished] = useState<UnfinishedUpload[]>(() => unfinishedUploads(session.user));
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  useEffect(() => queue.subscribe(setItems), [queue]);
  useEffect(() => {
    if (items.some((item) => item.state === "done")) setUnfinished(unfinishedUploads(session.user));
  }, [items, session.user]);
  // Leaving while bytes move: the browser asks first (the upload can be resumed, but only here).
  useEffect(() => {
    const sending = items.some((item) => item.state === "uploading" || item.state === "preparing");
    if (!sending) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [items]);

  const choices = (): UploadChoices | null => {
    let parsed: unknown = {};
    if (metadata.trim()) {
      try {
        parsed = JSON.parse(metadata);
      } catch {
        parsed = null;
      }
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      setChoiceProblem('Metadata must be a JSON object, such as {"crawl": "2024-06"}.');
      return null;
    }
    setChoiceProblem(null);
    return { tags: splitList(tags), metadata: parsed as Record<string, unknown>, visibility };
  };

  const add = (files: { file: File; path: string }[]) => {
    const chosen = choices();
    if (chosen && files.length > 0) queue.add(files, chosen);
  };

  const total = items.filter((item) => item.state !== "cancelled");
  const totalBytes = total.reduce((sum, item) => sum + item.file.size, 0);
  const sentBytes = total.reduce((sum, item) => sum + item.uploadedBytes, 0);
  const speed = total.reduce((sum, item) => sum + (item.bytesPerSecond ?? 0), 0);
  const active = total.some((item) => ["queued", "preparing", "uploading"].includes(item.state));

  return (
    <main id="main">
      <h1>Upload</h1>
      <fieldset class="grid upload-choices">
        <legend>For the files you add next</legend>
        <div class="field">
          <label for="upload-tags">
            Tags <span class="hint">(comma-separated)</span>
          </label>
          <input id="upload-tags" value={tags} onInput={(event) => setTags(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="upload-metadata">
            Metadata <span class="hint">(a JSON object)</span>
          </label>
          <input
            id="upload-metadata"
            value={metadata}
            placeholder='{"crawl": "2024-06"}'
            onInput={(event) => setMetadata(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="upload-visibility">Visibility</label>
          <select
            id="upload-visibility"
            value={visibility}
            onChange={(event) => setVisibility(event.currentTarget.value as "private" | "public")}
          >
            <option value="private">Private</option>
            <option value="public">Public</option>
          </select>
        </div>
      </fieldset>
      {choiceProblem ? (
        <ProblemMessage problem={{ message: choiceProblem }} title="Check the metadata" />
      ) : null}

      <section
        class={`drop-zone${dragging ? " dragging" : ""}`}
        aria-label="Drop files or folders here"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          if (event.dataTransfer) void filesOfDrop(event.dataTransfer).then(add);
        }}
      >
        <p>Drop files or a folder here, or</p>
        <div class="row">
          <button type="button" onClick={() => fileInput.current?.click()}>
            Choose files
          </button>
          <button type="button" class="secondary" onClick={() => folderInput.current?.click()}>
            Choose a folder
          </button>
        </div>
        <input
          ref={fileInput}
          id="upload-files"
          type="file"
          multiple
          class="visually-hidden"
          tabIndex={-1}
          aria-label="Files to upload"
          onChange={(event) => {
            add([...(event.currentTarget.files ?? [])].map((file) => ({ file, path: file.name })));
            event.currentTarget.value = "";
          }}
        />
        <input
          ref={folderInput}
          type="file"
          multiple
          class="visually-hidden"
          tabIndex={-1}
          aria-label="Folder to upload"
          {...{ webkitdirectory: "" }}
          onChange={(event) => {
            add(
              [...(event.currentTarget.files ?? [])].map((file) => ({
                file,
                path: file.webkitRelativePath || file.name,
              })),
            );
            event.currentTarget.value = "";
          }}
        />
      </section>

      {unfinished.length > 0 ? (
        <section aria-labelledby="unfinished-title" class="unfinished">
          <h2 id="unfinished-title">Unfinished uploads</h2>
          <p class="hint">Choose or drop the same file again to send only what is missing.</p>
          <ul>
            {unfinished.map((record) => (
              <li key={record.uploadId}>
                <span>
                  <strong>{record.filename}</strong> ({formatBytes(record.size)}), started{" "}
                  {new Date(record.startedAt).toLocaleString()}
                </span>
                <button
                  type="button"
                  class="secondary"
                  aria-label={`Give up the upload of ${record.filename}`}
                  onClick={() => {
                    void client.abortUpload(record.uploadId).catch(() => {});
                    forgetUnfinishedById(record.uploadId);
                    setUnfinished(unfinishedUploads(session.user));
                  }}
                >
                  Give up
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {items.length > 0 ? (
        <section aria-labelledby="queue-title">
          <h2 id="queue-title">Files</h2>
          <div class="total-progress">
            <label for="total-progress">
              Total: {formatBytes(sentBytes)} of {formatBytes(totalBytes)}
              {active && speed > 0
                ? `, ${formatBytes(speed)}/s, ${formatDuration((totalBytes - sentBytes) / speed)} left`
                : ""}
            </label>
            <progress id="total-progress" max={totalBytes || 1} value={sentBytes} />
          </div>
          <ul class="uploads">
            {items.map((item) => (
              <UploadRow key={item.key} item={item} queue={queue} />
            ))}
          </ul>
          {items.some((item) => item.state === "done" || item.state === "cancelled") ? (
            <button type="button" class="secondary" onClick={() => queue.clearFinished()}>
              Clear finished
            </button>
          ) : null}
        </section>
      ) : null}
    </main>
  );
};

const UploadRow = ({ item, queue }: { item: UploadItem; queue: UploadQueue }) => {
  const { file } = item;
  const progressId = `${item.key}-progress`;
  const running = item.state === "uploading" || item.state === "preparing";
  return (
    <li class={`upload state-${item.state}`} data-filename={file.name}>
      <div class="upload-head">
        {item.artifact ? (
          <a href={href(`/artifacts/${item.artifact.id}`)}>{item.path}</a>
        ) : (
          <span class="upload-name">{item.path}</span>
        )}
        <span class="upload-state">
          {STATE_WORDS[item.state]}
          {item.resumed && item.state !== "done" ? " (resumed)" : ""}
        </span>
      </div>
      <progress
        id={progressId}
        max={file.size || 1}
        value={item.uploadedBytes}
        aria-label={`Progress of ${item.path}`}
      />
      <div class="upload-facts">
        <span>
          {formatBytes(item.uploadedBytes)} of {formatBytes(file.size)}
        </span>
        {item.bytesPerSecond ? <span>{formatBytes(item.bytesPerSecond)}/s</span> : null}
        {item.secondsLeft !== null && running ? <span>{formatDuration(item.secondsLeft)} left</span> : null}
        <span class="row">
          {running ? (
            <button
              type="button"
              class="secondary"
              onClick={() => queue.pause(item.key)}
              aria-label={`Pause ${item.path}`}
            >
              Pause
            </button>
          ) : null}
          {item.state === "paused" || item.state === "failed" ? (
            <button type="button" onClick={() => queue.resume(item.key)} aria-label={`Resume ${item.path}`}>
              {item.state === "failed" ? "Retry" : "Resume"}
            </button>
          ) : null}
          {running || item.state === "queued" || item.state === "paused" || item.state === "failed" ? (
            <button
              type="button"
              class="secondary"
              onClick={() => queue.cancel(item.key)}
              aria-label={`Cancel ${item.path}`}
            >
              Cancel
            </button>
          ) : null}
        </span>
      </div>
      {item.problem ? <ProblemMessage problem={item.problem} title={`${item.path} did not upload`} /> : null}
    </li>
  );
};
